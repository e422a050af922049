//! The model archive check: hand-built tar archives (headers written here, with real checksums)
//! that would make tract read a tensor the check did not see, or allocate far more than the
//! archive holds, are refused by name before tract sees them, and without a large allocation.
//! A rebuilt copy of the tiny test model proves the hand-written tar itself is valid.

// A recording allocator needs `unsafe impl GlobalAlloc`; it only forwards to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use smsguard_core::model::manifest::{sha256_hex, Manifest};
use smsguard_core::model::NnefModel;

const TINY: &[u8] = include_bytes!("../../testdata/model/tiny.nnef.tar");
const TINY_MANIFEST: &str = include_str!("../../testdata/model/tiny.manifest.json");

/// Records, per thread, the largest single allocation request (tests run on parallel threads).
struct Recording;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(new_size)));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Recording = Recording;

/// No single allocation while refusing may come near what the hostile headers ask for (tens of
/// MB to GBs); the tiny model itself needs well under 1 MB per buffer.
const ALLOCATION_BOUND: usize = 4 << 20;

fn manifest_for(bytes: &[u8]) -> String {
    let mut m = Manifest::parse(TINY_MANIFEST).expect("manifest parses");
    m.model_sha256 = sha256_hex(bytes);
    serde_json::to_string(&m).expect("serialises")
}

/// Load `bytes` (with a manifest that matches them) and return the refusal, checking that no
/// large allocation happened on the way.
fn refused(what: &str, bytes: &[u8]) -> String {
    let manifest = manifest_for(bytes);
    LARGEST.with(|l| l.set(0));
    let result = NnefModel::from_bytes(bytes, &manifest);
    let largest = LARGEST.with(Cell::get);
    assert!(largest < ALLOCATION_BOUND, "{what}: allocated {largest} bytes at once before refusing");
    match result {
        Ok(_) => panic!("{what}: loaded but must be refused"),
        Err(e) => e.to_string(),
    }
}

// --- a minimal tar writer -------------------------------------------------------------------

const BLOCK: usize = 512;

/// A tar header: GNU magic like tract's writer, or POSIX ustar with a `prefix`.
fn header(name: &[u8], size: usize, kind: u8, ustar_prefix: Option<&[u8]>) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = kind;
    match ustar_prefix {
        None => h[257..265].copy_from_slice(b"ustar  \0"),
        Some(prefix) => {
            h[257..265].copy_from_slice(b"ustar\x0000");
            h[345..345 + prefix.len()].copy_from_slice(prefix);
        }
    }
    // The checksum counts its own field as eight spaces.
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// One entry: a header and its data, padded to whole blocks.
fn entry(h: [u8; BLOCK], data: &[u8]) -> Vec<u8> {
    let mut out = h.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(BLOCK) * BLOCK, 0);
    out
}

fn file(name: &str, data: &[u8]) -> Vec<u8> {
    entry(header(name.as_bytes(), data.len(), b'0', None), data)
}

/// Entries followed by the end-of-archive marker (two zero blocks).
fn archive(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = entries.concat();
    out.extend_from_slice(&[0u8; 2 * BLOCK]);
    out
}

/// The regular files of the tiny model, read back from its archive.
fn tiny_files() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut at = 0;
    while at + BLOCK <= TINY.len() && TINY[at..at + BLOCK].iter().any(|b| *b != 0) {
        let h = &TINY[at..at + BLOCK];
        let name_len = h[..100].iter().position(|b| *b == 0).unwrap_or(100);
        let name = std::str::from_utf8(&h[..name_len]).expect("tiny names are text");
        let size_text = std::str::from_utf8(&h[124..136]).expect("size").trim_matches(['\0', ' ']);
        let size = usize::from_str_radix(size_text, 8).expect("octal size");
        files.push(file(name, &TINY[at + BLOCK..at + BLOCK + size]));
        at = (at + BLOCK + size).div_ceil(BLOCK) * BLOCK;
    }
    files
}

/// An NNEF tensor file: the 128-byte header (little-endian) and `data`.
fn tensor(dims: &[u32], bits: u32, item_type: u16, vendor: u16, data_size: u32, data: &[u8]) -> Vec<u8> {
    let mut t = vec![0u8; 128];
    t[0..2].copy_from_slice(&[0x4e, 0xef]);
    t[2] = 1;
    t[4..8].copy_from_slice(&data_size.to_le_bytes());
    t[8..12].copy_from_slice(&(dims.len() as u32).to_le_bytes());
    for (i, d) in dims.iter().enumerate() {
        t[12 + 4 * i..16 + 4 * i].copy_from_slice(&d.to_le_bytes());
    }
    t[44..48].copy_from_slice(&bits.to_le_bytes());
    t[48..50].copy_from_slice(&item_type.to_le_bytes());
    t[50..52].copy_from_slice(&vendor.to_le_bytes());
    t.extend_from_slice(data);
    t
}

/// A tensor of 50M f32 (200 MB) whose header is self-consistent, in a file of a few hundred
/// bytes: tract allocates the whole tensor before it finds the data missing.
fn big_tensor() -> Vec<u8> {
    tensor(&[50_000_000], 32, 0, 0, 200_000_000, &[0u8; 64])
}

/// The tiny model plus `extra` entries.
fn tiny_with(extra: &[Vec<u8>]) -> Vec<u8> {
    let mut entries = tiny_files();
    entries.extend_from_slice(extra);
    archive(&entries)
}

// --- tests ----------------------------------------------------------------------------------

#[test]
fn the_hand_written_tar_is_valid() {
    // The refusals below are about the attack, not about a broken tar writer.
    let rebuilt = archive(&tiny_files());
    let model = NnefModel::from_bytes(&rebuilt, &manifest_for(&rebuilt)).expect("rebuilt tiny loads");
    assert!(model.predict_ids(&[1, 2, 3]).is_ok());
}

#[test]
fn pax_extended_headers_are_refused() {
    // A PAX header renames the next entry to `evil.dat`: its own name field says `evil.txt`.
    let record = b"17 path=evil.dat\n"; // the length counts the whole record
    let pax = entry(header(b"PaxHeaders/evil", record.len(), b'x', None), record);
    let bytes = tiny_with(&[pax, file("evil.txt", &big_tensor())]);
    let e = refused("pax", &bytes);
    assert!(e.contains("PAX"), "{e}");
    // A global PAX header, too.
    let global = entry(header(b"PaxHeaders/global", record.len(), b'g', None), record);
    let e = refused("pax global", &tiny_with(&[global]));
    assert!(e.contains("PAX"), "{e}");
}

#[test]
fn gnu_long_names_are_refused() {
    let long = b"evil.dat\0";
    let l = entry(header(b"././@LongLink", long.len(), b'L', None), long);
    let e = refused("gnu long name", &tiny_with(&[l, file("evil.txt", &big_tensor())]));
    assert!(e.contains("GNU long name"), "{e}");
    let k = entry(header(b"././@LongLink", long.len(), b'K', None), long);
    let e = refused("gnu long link", &tiny_with(&[k]));
    assert!(e.contains("GNU long link"), "{e}");
}

#[test]
fn other_entry_kinds_are_refused() {
    for (kind, what) in [(b'5', "directory"), (b'2', "symlink"), (b'S', "sparse"), (b'7', "contiguous")] {
        let e = refused(what, &tiny_with(&[entry(header(b"evil.dat", 0, kind, None), &[])]));
        assert!(e.contains("only regular files"), "{what}: {e}");
    }
}

#[test]
fn names_tract_reads_differently_are_checked_or_refused() {
    // A trailing slash still has the `.dat` extension for tract's loader: checked as a tensor.
    let e = refused("slash", &tiny_with(&[file("evil.dat/", &big_tensor())]));
    assert!(e.contains("per tensor"), "{e}");
    // A POSIX ustar prefix makes the path `evil.dat/`: refused.
    let h = header(b"", big_tensor().len(), b'0', Some(b"evil.dat"));
    let e = refused("ustar prefix", &tiny_with(&[entry(h, &big_tensor())]));
    assert!(e.contains("prefix"), "{e}");
}

#[test]
fn truncated_entries_are_refused() {
    // The header declares 100 KB; the archive ends after a few hundred bytes.
    let mut bytes = tiny_files().concat();
    let mut cut = header(b"graph.nnef", 100_000, b'0', None).to_vec();
    cut.extend_from_slice(&[b'x'; 300]);
    bytes.extend_from_slice(&cut);
    let e = refused("truncated", &bytes);
    assert!(e.contains("past the end"), "{e}");
}

#[test]
fn tensor_headers_asking_for_too_much_are_refused() {
    // 65536 × 65536 f32 (16 GiB): over the per-tensor cap, whatever its data size says.
    let huge = tensor(&[65_536, 65_536], 32, 0, 0, 0, &[]);
    let e = refused("huge shape", &tiny_with(&[file("huge.dat", &huge)]));
    assert!(e.contains("more than the") && e.contains("per tensor"), "{e}");
    let e = refused("big", &tiny_with(&[file("big.dat", &big_tensor())]));
    assert!(e.contains("per tensor"), "{e}");
    // Self-consistent header under the cap, data missing: the file must hold what it declares.
    let short = tensor(&[1_000_000], 32, 0, 0, 4_000_000, &[0u8; 64]);
    let e = refused("missing data", &tiny_with(&[file("short.dat", &short)]));
    assert!(e.contains("declares more data"), "{e}");
    // Shape and data size disagree (tract reads the shape's worth).
    let odd = tensor(&[16], 32, 0, 0, 32, &[0u8; 32]);
    let e = refused("shape mismatch", &tiny_with(&[file("odd.dat", &odd)]));
    assert!(e.contains("shape"), "{e}");
    // A string tensor needs no data bytes for its shape: tract would allocate 4M empty strings
    // (~100 MB) from a 128-byte file. Only plain numeric types are accepted.
    let strings = tensor(&[1 << 22], 0, 0x1000, u16::from_be_bytes(*b"TR"), 0, &[]);
    let e = refused("strings", &tiny_with(&[file("s.dat", &strings)]));
    assert!(e.contains("tensor type"), "{e}");
    // Rank past 8 and a wrong magic.
    let mut rank9 = tensor(&[1], 8, 3, 0, 1, &[0]);
    rank9[8..12].copy_from_slice(&9u32.to_le_bytes());
    let e = refused("rank", &tiny_with(&[file("r.dat", &rank9)]));
    assert!(e.contains("rank"), "{e}");
    let mut magic = tensor(&[1], 8, 3, 0, 1, &[0]);
    magic[0] = 0;
    let e = refused("magic", &tiny_with(&[file("m.dat", &magic)]));
    assert!(e.contains("not an NNEF tensor"), "{e}");
}

#[test]
fn compressed_and_badly_summed_archives_are_refused() {
    let mut gz = vec![0x1f, 0x8b, 8, 0];
    gz.resize(2048, 0);
    let e = refused("gzip", &gz);
    assert!(e.contains("compressed"), "{e}");
    let mut bytes = archive(&tiny_files());
    bytes[0] ^= 1; // the first name byte, under the checksum
    let e = refused("checksum", &bytes);
    assert!(e.contains("checksum"), "{e}");
}
