//! The model file: a plain tar of an NNEF graph text and its tensor files, as tract-nnef writes it
//! (`model-convert`). The library reads it itself (tract's NNEF front end links every operator
//! tract has, see bindings/README.md, Size); what it may allocate is bounded before anything is
//! read.

use tract_core::internal::*;

use crate::error::DataError;

const ORIGIN: &str = "model";

/// One regular file of the archive.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
}

/// Largest model archive accepted (the shipped one is 0.66 MB).
pub const MAX_MODEL_BYTES: usize = 16 << 20;

/// Largest tensor accepted, in the bytes tract allocates for it. The shipped model's largest is
/// the embedding table, 0.5 MiB (32785 × 16 int8): this leaves room for a 16× wider one. In all,
/// tensors cannot exceed [`MAX_MODEL_BYTES`]: each one's data must lie in the archive.
pub const MAX_TENSOR_BYTES: u64 = 8 << 20;

/// The archive's regular files, in order, after checking that what they make us allocate is
/// bounded. The rules are the ones tract's NNEF loader (the `tar` crate, then tract's tensor
/// reader) needs, kept so that the same archive stays valid for tract-nnef, the reference loader in
/// tests and in `model-convert`:
/// - only regular files: PAX (`x`/`g`) and GNU long-name (`L`/`K`) headers rename or resize the
///   next entry, sparse files expand, links and devices are not model files; none of them is
///   something tract writes, so a name or size we did not check can never reach the loader;
/// - headers carry valid checksums, every entry lies inside the bytes, no gzip (tract would
///   decompress it, and we would have checked the compressed bytes instead);
/// - every tensor file (`.dat`, by the same path rule as tract's loader) has a plain numeric type
///   whose shape × element size is its declared data size, is all in its file and is at most
///   [`MAX_TENSOR_BYTES`]. Otherwise a 10 KB archive could make a loader allocate GBs, and a
///   failed allocation aborts the app (no unwinding to catch).
pub fn read(bytes: &[u8]) -> Result<Vec<Entry<'_>>, DataError> {
    const BLOCK: usize = 512;
    let bad = |m: &str| DataError::new(ORIGIN, format!("not a valid model archive: {m}"));
    if bytes.len() > MAX_MODEL_BYTES {
        return Err(bad(&format!("{} bytes, more than the {MAX_MODEL_BYTES} accepted", bytes.len())));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(bad("compressed (gzip) archives are not accepted; ship the plain tar"));
    }
    let mut at = 0;
    let mut entries = Vec::new();
    while at + BLOCK <= bytes.len() {
        let header = &bytes[at..at + BLOCK];
        if header.iter().all(|b| *b == 0) {
            break; // end-of-archive marker, where the tar reader stops too
        }
        // The tar reader's sum: every byte, the checksum field counted as spaces.
        let sum: u32 =
            header[..148].iter().chain(&header[156..]).map(|b| u32::from(*b)).sum::<u32>() + 8 * 32;
        if tar_number(&header[148..156]) != Some(u64::from(sum)) {
            return Err(bad("entry header checksum mismatch"));
        }
        match header[156] {
            b'0' | 0 => {}
            b'x' | b'g' => return Err(bad("PAX extended headers are not accepted (only regular files)")),
            b'L' => return Err(bad("GNU long name headers are not accepted (only regular files)")),
            b'K' => return Err(bad("GNU long link headers are not accepted (only regular files)")),
            _ => return Err(bad("entry is not a regular file (only regular files are accepted)")),
        }
        // A POSIX ustar header puts `prefix/` before the name; tract never writes one.
        if &header[257..265] == b"ustar\x0000" && header[345] != 0 {
            return Err(bad("entry names with a ustar prefix are not accepted"));
        }
        let size = tar_number(&header[124..136]).ok_or_else(|| bad("entry size unreadable"))?;
        let data = at + BLOCK;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| data.checked_add(s))
            .filter(|e| *e <= bytes.len())
            .ok_or_else(|| bad("entry past the end"))?;
        let name = &header[..header[..100].iter().position(|b| *b == 0).unwrap_or(100)];
        let name = std::str::from_utf8(name).map_err(|_| bad("entry name is not UTF-8"))?;
        // tract's loader picks tensor files by this rule (so `x.dat/` is one too).
        if std::path::Path::new(name).extension().is_some_and(|e| e == "dat") {
            check_tensor(&bytes[data..end]).map_err(|m| bad(&m))?;
        }
        entries.push(Entry { name, data: &bytes[data..end] });
        at = end.div_ceil(BLOCK) * BLOCK;
    }
    if entries.is_empty() {
        return Err(bad("no entries"));
    }
    Ok(entries)
}

/// A tar octal number field as the tar reader parses it: up to the first NUL, spaces trimmed.
/// Base-256 (binary) fields are refused: tract never writes them.
fn tar_number(field: &[u8]) -> Option<u64> {
    let text = &field[..field.iter().position(|b| *b == 0).unwrap_or(field.len())];
    let text = std::str::from_utf8(text).ok()?.trim();
    if text.is_empty() || !text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    u64::from_str_radix(text, 8).ok()
}

/// One NNEF tensor file (a 128-byte little-endian header, then the data): what tract will
/// allocate for it must be small and exactly the data the file holds.
fn check_tensor(file: &[u8]) -> Result<(), String> {
    const HEADER: usize = 128;
    let Some(header) = file.get(..HEADER) else {
        return Err("tensor file shorter than its header".to_string());
    };
    let u32_at = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let u16_at = |i: usize| u16::from_le_bytes([header[i], header[i + 1]]);
    if header[..2] != [0x4e, 0xef] {
        return Err("not an NNEF tensor file (magic)".to_string());
    }
    let (data_size, rank, bits) = (u64::from(u32_at(4)), u32_at(8), u32_at(44));
    let (item_type, vendor) = (u16_at(48), u16_at(50));
    if rank > 8 {
        return Err(format!("tensor rank {rank} is more than 8"));
    }
    // Plain numbers only (NNEF float, unsigned, quantised, signed; 8-bit bool), whose memory is
    // exactly shape × bytes per item. tract's other kinds (strings, bit-packed bools, block
    // quantisation) allocate from the shape without data to back it; our models use none.
    let plain = vendor == 0
        && match item_type {
            0 => matches!(bits, 16 | 32 | 64),
            1..=4 => matches!(bits, 8 | 16 | 32 | 64),
            5 => bits == 8,
            _ => false,
        };
    if !plain {
        return Err(format!(
            "tensor type {item_type} of vendor {vendor} with {bits} bits per item is not accepted"
        ));
    }
    let elements = (0..rank as usize)
        .try_fold(1u64, |n, i| n.checked_mul(u64::from(u32_at(12 + 4 * i))))
        .ok_or("tensor shape overflows")?;
    let needed = elements.checked_mul(u64::from(bits / 8)).ok_or("tensor shape overflows")?;
    if needed > MAX_TENSOR_BYTES {
        return Err(format!(
            "tensor needs {needed} bytes, more than the {MAX_TENSOR_BYTES} accepted per tensor"
        ));
    }
    let held = (file.len() - HEADER) as u64;
    if data_size > held {
        return Err("tensor declares more data than its file holds".to_string());
    }
    if data_size != held {
        return Err("tensor file holds more than the data its header declares".to_string());
    }
    if needed != data_size {
        return Err(format!("tensor shape needs {needed} bytes but its header declares {data_size}"));
    }
    Ok(())
}

/// A tensor file already accepted by [`read`] (so its header and size are consistent) as a tract
/// tensor. Only the element types the shipped architectures use are decoded.
pub fn tensor(file: &[u8]) -> Result<Tensor, String> {
    check_tensor(file)?;
    const HEADER: usize = 128;
    let u32_at = |i: usize| u32::from_le_bytes([file[i], file[i + 1], file[i + 2], file[i + 3]]);
    let rank = u32_at(8) as usize;
    let shape: Vec<usize> = (0..rank).map(|i| u32_at(12 + 4 * i) as usize).collect();
    let (bits, item_type) = (u32_at(44), u16::from_le_bytes([file[48], file[49]]));
    let data = &file[HEADER..];
    let result = match (item_type, bits) {
        (0, 32) => filled(&shape, data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))),
        // NNEF's signed integers, plain (4) or quantised without a sidecar (3, as tract writes
        // an int8 table): both are plain i8 here.
        (3 | 4, 8) => filled(&shape, data.iter().map(|b| *b as i8)),
        _ => {
            return Err(format!("tensor type {item_type} with {bits} bits per item is not used by the model"))
        }
    };
    result.map_err(|e| format!("tensor unreadable: {e}"))
}

/// A tensor of `shape` written in place from `values` (`Tensor::from_shape` and `From<Array>`
/// copy a finished vector: one more table-sized allocation at the peak of a load).
pub fn filled<T: Datum + Copy + tract_core::num_traits::Zero>(
    shape: &[usize],
    mut values: impl Iterator<Item = T>,
) -> TractResult<Tensor> {
    let mut t = Tensor::zero::<T>(shape)?;
    let mut view = t.to_plain_array_view_mut::<T>()?;
    let slots = view.as_slice_mut().context("a new tensor is contiguous")?;
    let mut written = 0;
    for (slot, v) in slots.iter_mut().zip(&mut values) {
        *slot = v;
        written += 1;
    }
    ensure!(
        written == slots.len() && values.next().is_none(),
        "the values do not fill a tensor of {} exactly",
        slots.len()
    );
    Ok(t)
}
