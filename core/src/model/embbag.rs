//! The `embbag` architecture, built for tract-core from the model file's tensors.
//!
//! int64 ids `[n]` → rows of an embedding table (int8 or f32) → their mean, weighted by a
//! per-id idf when the model has one, times a dequantisation scale → two dense heads → softmax:
//! action probabilities `[1, 4]` and category probabilities `[1, C]`.
//!
//! The file is the NNEF archive `model-convert` writes (so tract-nnef still loads it as the
//! reference in tests). The device does not interpret NNEF: the graph text must be one of the
//! forms below, token for token except for the numbers, whose values and shapes become the
//! graph's constants; tensor files give the large ones. Anything else is another architecture
//! and is refused. All sizes (vocabulary, width, categories) come from the file.
//!
//! The device graph is the same function in another order: at load each vocabulary row is folded
//! through both heads and their biases ([`fold`]), so a message costs one gather, one sum, one
//! division and one softmax over both heads at once ([`graph`], output `[1, 2, width]`).

use tract_core::internal::*;
use tract_core::ops::array::{Gather, Slice};
use tract_core::ops::change_axes::IntoShape;
use tract_core::ops::math;
use tract_core::ops::nn::{Reduce, Reducer, Softmax};

use super::archive::{self, Entry};

/// The architecture name the manifest gives (`architecture`; absent means this one).
pub const NAME: &str = "embbag";

/// The idf-weighted form (the shipped v2 and v3). `@x` captures a literal tensor, `%x` an integer.
const WEIGHTED: &str = r#"
graph network(ids) -> (actions, categories) {
  ids = tract_core_external(shape = [n], datum_type = "I64");
  idf_0 = variable<scalar>(label = "idf.0", shape = [%idf_v]);
  w = tract_core_gather(idf_0, ids, axis = 0);
  num_add_m = unsqueeze(w, axes = [0]);
  table_0 = variable<scalar>(label = "table.0", shape = [%v, %d]);
  rows_q = tract_core_gather(table_0, ids, axis = 0);
  rows_f = tract_core_cast(rows_q, to = "f32");
  num = matmul(num_add_m, rows_f, transposeA = false, transposeB = false);
  num_1 = squeeze(num, axes = [0]);
  den = sum_reduce(w, axes = [0]);
  bag_q_recip = recip(den);
  bag_q = mul(num_1, bag_q_recip);
  bag_fix_rank_1_1 = @scale;
  bag = mul(bag_q, bag_fix_rank_1_1);
  la0_add_m = unsqueeze(bag, axes = [0]);
  la0_fix_a = unsqueeze(la0_add_m, axes = [0]);
  la0_fix_b = variable<scalar>(label = "la0.fix_b", shape = [1, %la_d, %la_k]);
  la0 = matmul(la0_fix_a, la0_fix_b, transposeA = false, transposeB = false);
  la0_fix_c_0 = transpose(la0, axes = [1, 0, 2]);
  la0_1 = squeeze(la0_fix_c_0, axes = [0]);
  la_fix_rank = @la_b;
  la = add(la0_1, la_fix_rank);
  actions = softmax(la, axes = [1]);
  lc0_add_m = unsqueeze(bag, axes = [0]);
  lc0_fix_a = unsqueeze(lc0_add_m, axes = [0]);
  lc0_fix_b = variable<scalar>(label = "lc0.fix_b", shape = [1, %lc_d, %lc_k]);
  lc0 = matmul(lc0_fix_a, lc0_fix_b, transposeA = false, transposeB = false);
  lc0_fix_c_0 = transpose(lc0, axes = [1, 0, 2]);
  lc0_1 = squeeze(lc0_fix_c_0, axes = [0]);
  lc_fix_rank = @lc_b;
  lc = add(lc0_1, lc_fix_rank);
  categories = softmax(lc, axes = [1]);
}
"#;

/// The plain-mean form (v1 and the tiny test model): small heads are literals.
const MEAN: &str = r#"
graph network(ids) -> (actions, categories) {
  ids = tract_core_external(shape = [n], datum_type = "I64");
  table_0 = variable<scalar>(label = "table.0", shape = [%v, %d]);
  rows_q = tract_core_gather(table_0, ids, axis = 0);
  rows_f = tract_core_cast(rows_q, to = "f32");
  bag_sum = sum_reduce(rows_f, axes = [0]);
  rows_fix_rank_1 = @scale;
  rows = mul(bag_sum, rows_fix_rank_1);
  bag_size = [[n]];
  bag_cast = tract_core_cast(bag_size, to = "f32");
  bag_norm_recip = recip(bag_cast);
  bag_norm = mul(rows, bag_norm_recip);
  wa_0 = @la_w;
  la0 = matmul(bag_norm, wa_0, transposeA = false, transposeB = false);
  la_fix_rank = @la_b;
  la = add(la0, la_fix_rank);
  actions = softmax(la, axes = [1]);
  wc_0 = @lc_w;
  lc0 = matmul(bag_norm, wc_0, transposeA = false, transposeB = false);
  lc_fix_rank = @lc_b;
  lc = add(lc0, lc_fix_rank);
  categories = softmax(lc, axes = [1]);
}
"#;

/// Largest graph text accepted (the shipped one is 2 KB; the tiny model's literal heads make
/// it grow with the width).
const MAX_GRAPH_BYTES: usize = 256 << 10;

/// The weights of one model of this architecture, checked for consistent shapes.
#[derive(Debug)]
pub struct Weights {
    /// `[vocab, width]`, i8 or f32.
    pub table: Tensor,
    /// `[vocab]`, or none: a plain mean.
    pub idf: Option<Tensor>,
    pub scale: f32,
    /// Per head (actions, categories): `[width, k]` and `[1, k]`.
    pub heads: [(Tensor, Tensor); 2],
}

impl Weights {
    pub fn vocab(&self) -> usize {
        self.table.shape()[0]
    }
    pub fn width(&self) -> usize {
        self.table.shape()[1]
    }
    /// Outputs of the actions and categories heads.
    pub fn outputs(&self) -> [usize; 2] {
        [self.heads[0].1.shape()[1], self.heads[1].1.shape()[1]]
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    Number(&'a str),
    Text(&'a str),
    Punct(char),
}

/// NNEF's lexical level, enough for the forms above: names, numbers, strings, punctuation;
/// `#` comments and whitespace are skipped.
fn tokens(text: &str) -> Result<Vec<Token<'_>>, String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Token::Word(&text[start..i]));
        } else if c.is_ascii_digit()
            || (c == b'-' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit() || *d == b'.'))
        {
            i += 1;
            while i < b.len()
                && (b[i].is_ascii_digit()
                    || b[i] == b'.'
                    || b[i] == b'e'
                    || b[i] == b'E'
                    || ((b[i] == b'-' || b[i] == b'+') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            out.push(Token::Number(&text[start..i]));
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += 1;
            }
            if i == b.len() {
                return Err("unterminated string".into());
            }
            i += 1;
            out.push(Token::Text(&text[start + 1..i - 1]));
        } else {
            // Any other character, one at a time (UTF-8 safe: the graph is ASCII or refused).
            let ch = text[i..].chars().next().ok_or("unreadable graph text")?;
            i += ch.len_utf8();
            out.push(Token::Punct(ch));
        }
    }
    Ok(out)
}

/// Values captured from the graph text.
#[derive(Debug, Default)]
struct Captures<'a> {
    tensors: Vec<(&'a str, Tensor)>,
    integers: Vec<(&'a str, usize)>,
}

impl Captures<'_> {
    fn tensor(&self, name: &str) -> Result<&Tensor, String> {
        self.tensors.iter().find(|(n, _)| *n == name).map(|(_, t)| t).ok_or(format!("{name} missing"))
    }
    fn integer(&self, name: &str) -> Result<usize, String> {
        self.integers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or(format!("{name} missing"))
    }
}

/// Longest literal accepted, in numbers (the tiny form's heads are `width × k`).
const MAX_LITERAL: usize = 1 << 14;

/// A literal tensor: a number or a bracketed, rectangular list of them. Returns it and the index
/// of the next token.
fn literal(toks: &[Token<'_>], at: usize) -> Option<(Tensor, usize)> {
    /// `shape[depth]` is the length every list at that depth must have (0: none seen yet);
    /// `leaf` is the depth every number must sit at.
    struct Walk {
        values: Vec<f32>,
        shape: Vec<usize>,
        leaf: Option<usize>,
    }
    fn walk(toks: &[Token<'_>], at: usize, depth: usize, st: &mut Walk) -> Option<usize> {
        match toks.get(at)? {
            Token::Number(n) => {
                if *st.leaf.get_or_insert(depth) != depth || st.values.len() >= MAX_LITERAL {
                    return None;
                }
                st.values.push(n.parse::<f32>().ok().filter(|v| v.is_finite())?);
                Some(at + 1)
            }
            Token::Punct('[') if depth < 4 => {
                let mut i = at + 1;
                let mut count = 0;
                loop {
                    i = walk(toks, i, depth + 1, st)?;
                    count += 1;
                    match toks.get(i)? {
                        Token::Punct(',') => i += 1,
                        Token::Punct(']') => break,
                        _ => return None,
                    }
                }
                if st.shape.len() <= depth {
                    st.shape.resize(depth + 1, 0);
                }
                match st.shape[depth] {
                    0 => st.shape[depth] = count,
                    c if c != count => return None,
                    _ => {}
                }
                Some(i + 1)
            }
            _ => None,
        }
    }
    let mut st = Walk { values: Vec::new(), shape: Vec::new(), leaf: None };
    let next = walk(toks, at, 0, &mut st)?;
    if st.leaf != Some(st.shape.len()) {
        return None;
    }
    Tensor::from_shape(&st.shape, &st.values).ok().map(|t| (t, next))
}

/// Match the graph text against a form; on success, the captured numbers.
fn matches<'a>(form: &'a str, graph: &[Token<'_>]) -> Option<Captures<'a>> {
    let form = tokens(form).ok()?;
    let mut caps = Captures::default();
    let (mut f, mut g) = (0, 0);
    while f < form.len() {
        match (&form[f], form.get(f + 1)) {
            (Token::Punct('@'), Some(Token::Word(name))) => {
                let (t, next) = literal(graph, g)?;
                caps.tensors.push((name, t));
                g = next;
                f += 2;
            }
            (Token::Punct('%'), Some(Token::Word(name))) => {
                let Some(Token::Number(n)) = graph.get(g) else { return None };
                caps.integers.push((name, n.parse().ok()?));
                g += 1;
                f += 2;
            }
            (want, _) => {
                if graph.get(g) != Some(want) {
                    return None;
                }
                g += 1;
                f += 1;
            }
        }
    }
    (g == graph.len()).then_some(caps)
}

/// Read the weights from the archive's entries, or say why this is not an `embbag` model.
pub fn weights(entries: &[Entry<'_>]) -> Result<Weights, String> {
    let graph = entries.iter().find(|e| e.name == "graph.nnef").ok_or("the archive has no graph.nnef")?;
    if graph.data.len() > MAX_GRAPH_BYTES {
        return Err("graph.nnef is too large".into());
    }
    let text = std::str::from_utf8(graph.data).map_err(|_| "graph.nnef is not UTF-8")?;
    let toks = tokens(text)?;
    // The header (version, extensions, properties) names no weights: the graph starts at `graph`.
    let body = toks.iter().position(|t| *t == Token::Word("graph")).ok_or("graph.nnef has no graph")?;
    let file = |label: &str| -> Result<Tensor, String> {
        let name = format!("{label}.dat");
        let e = entries.iter().find(|e| e.name == name).ok_or(format!("tensor {label} missing"))?;
        archive::tensor(e.data).map_err(|m| format!("tensor {label}: {m}"))
    };
    let declared = |t: &Tensor, shape: &[usize], what: &str| -> Result<(), String> {
        if t.shape() == shape {
            Ok(())
        } else {
            Err(format!("{what} has shape {:?}, the graph declares {shape:?}", t.shape()))
        }
    };
    let as_matrix = |t: &Tensor, rows: usize, what: &str| -> Result<Tensor, String> {
        let cols = t.len().checked_div(rows).unwrap_or(0);
        if cols == 0 || rows * cols != t.len() {
            return Err(format!("{what} does not have {rows} rows"));
        }
        t.clone().into_shape(&[rows, cols]).map_err(|e| format!("{what}: {e}"))
    };
    let (caps, idf, heads) = if let Some(caps) = matches(WEIGHTED, &toks[body..]) {
        let d = caps.integer("d")?;
        let idf = file("idf.0")?;
        declared(&idf, &[caps.integer("idf_v")?], "idf")?;
        let la = file("la0.fix_b")?;
        declared(&la, &[1, caps.integer("la_d")?, caps.integer("la_k")?], "the actions weights")?;
        let lc = file("lc0.fix_b")?;
        declared(&lc, &[1, caps.integer("lc_d")?, caps.integer("lc_k")?], "the categories weights")?;
        (
            caps,
            Some(idf),
            [as_matrix(&la, d, "the actions weights")?, as_matrix(&lc, d, "the categories weights")?],
        )
    } else if let Some(caps) = matches(MEAN, &toks[body..]) {
        let d = caps.integer("d")?;
        let la = as_matrix(caps.tensor("la_w")?, d, "the actions weights")?;
        let lc = as_matrix(caps.tensor("lc_w")?, d, "the categories weights")?;
        (caps, None, [la, lc])
    } else {
        return Err("the graph is not an embedding bag with an actions and a categories head".into());
    };
    let (v, d) = (caps.integer("v")?, caps.integer("d")?);
    let table = file("table.0")?;
    declared(&table, &[v, d], "the table")?;
    if !matches!(table.datum_type(), DatumType::I8 | DatumType::F32) {
        return Err("the table must be int8 or f32".into());
    }
    if let Some(idf) = &idf {
        declared(idf, &[v], "idf")?;
    }
    let scale = caps.tensor("scale")?;
    let scale = match scale.to_plain_array_view::<f32>() {
        Ok(v) if v.len() == 1 => v.iter().copied().next().unwrap_or(1.0),
        _ => return Err("the scale must be one number".into()),
    };
    let bias = |name: &str, k: usize| -> Result<Tensor, String> {
        let b = caps.tensor(name)?;
        if b.len() != k {
            return Err(format!("{name} has {} values for {k} outputs", b.len()));
        }
        b.clone().into_shape(&[1, k]).map_err(|e| format!("{name}: {e}"))
    };
    let [la, lc] = heads;
    let (ka, kc) = (la.shape()[1], lc.shape()[1]);
    Ok(Weights { table, idf, scale, heads: [(la, bias("la_b", ka)?), (lc, bias("lc_b", kc)?)] })
}

/// Padding logit for the narrower head when the heads differ in width: its softmax weight is 0
/// in f32 (e^-10000 underflows) while the sums stay finite.
const PAD_LOGIT: f64 = -1e4;

/// The heads' outputs laid side by side per row of the folded table: two groups (actions,
/// categories) of `width` logit columns, the narrower one padded, then the row's weight: `2 ·
/// width + 1` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Outputs of the actions and categories heads.
    pub outputs: [usize; 2],
    /// Logit columns per group: the wider head's outputs.
    pub width: usize,
}

impl Layout {
    pub fn of(w: &Weights) -> Layout {
        let outputs = w.outputs();
        Layout { outputs, width: outputs[0].max(outputs[1]) }
    }
    /// Logit columns of both groups; the weight column follows them.
    fn logits(&self) -> usize {
        2 * self.width
    }
}

/// Each vocabulary row folded through both heads at load: row `r` holds, per head `h`,
/// `idf[r] · (scale · table[r] · W_h + b_h)` padded to the layout's width, then, once, `idf[r]`
/// (1 without idf). The idf-weighted mean of the rows followed by the heads is linear, and the
/// weights sum to the denominator, so the sum of the folded rows of a message divided by their
/// last column is the heads' logits, bias included: the per-message work becomes one gather and
/// one sum instead of a gather, a cast, a broadcast product and sum over the width, and two more
/// products. The weights stay as trained (this is the same arithmetic in another order;
/// `device_parity` holds the graph to the ONNX reference). f64 inside, so the fold adds no
/// rounding of its own.
fn fold(w: &Weights, layout: Layout) -> TractResult<Tensor> {
    let (v, d) = (w.vocab(), w.width());
    let (width, k) = (layout.width, layout.logits());
    // Both heads as one `d × 2·width` matrix, `heads[dd * 2·width + h·width + j]`, and their
    // biases; padding columns have no weights and the padding logit as bias.
    let mut heads = vec![0f64; d * k];
    let mut bias = vec![PAD_LOGIT; k];
    for (h, (weights, b)) in w.heads.iter().enumerate() {
        let outputs = layout.outputs[h];
        let weights = weights.cast_to::<f32>()?;
        let weights = weights.to_plain_array_view::<f32>()?;
        let weights = weights.as_slice().context("a head is not contiguous")?;
        ensure!(weights.len() == d * outputs, "a head does not have {d} rows");
        for dd in 0..d {
            for j in 0..outputs {
                heads[dd * k + h * width + j] = f64::from(weights[dd * outputs + j]);
            }
        }
        let b = b.cast_to::<f32>()?;
        let b = b.to_plain_array_view::<f32>()?;
        ensure!(b.len() == outputs, "a bias does not have {outputs} values");
        for (j, x) in b.iter().enumerate() {
            bias[h * width + j] = f64::from(*x);
        }
    }
    let idf = match &w.idf {
        Some(idf) => Some(idf.cast_to::<f32>()?.into_owned()),
        None => None,
    };
    let idf = idf.as_ref().map(|t| t.to_plain_array_view::<f32>()).transpose()?;
    let idf = idf.as_ref().map(|i| i.as_slice().context("idf is not contiguous")).transpose()?;
    ensure!(idf.is_none_or(|i| i.len() == v), "the table and idf disagree");
    // Row by row from the table as stored: an f32 copy of an int8 table would be 4× its size.
    // Written in place: a finished vector would be copied into the tensor (one more 1 MB
    // allocation, and a load's time is much of it in first touches of fresh pages).
    let mut folded = Tensor::zero::<f32>(&[v, k + 1])?;
    let mut view = folded.to_plain_array_view_mut::<f32>()?;
    let out = view.as_slice_mut().context("a new tensor is contiguous")?;
    let fold = Fold { d, heads: &heads, bias: &bias, idf, scale: w.scale };
    match w.table.datum_type() {
        DatumType::I8 => {
            let table = w.table.to_plain_array_view::<i8>()?;
            let table = table.as_slice().context("the table is not contiguous")?;
            ensure!(table.len() == v * d, "the table does not have {v} rows of {d}");
            fold.rows(table, out);
        }
        _ => {
            let table = w.table.cast_to::<f32>()?;
            let table = table.to_plain_array_view::<f32>()?;
            let table = table.as_slice().context("the table is not contiguous")?;
            ensure!(table.len() == v * d, "the table does not have {v} rows of {d}");
            fold.rows(table, out);
        }
    }
    drop(view);
    Ok(folded)
}

/// Accumulators per block: one row's products with 8 head columns at a time are two SIMD
/// multiply-adds per width element (a loop over a run-time `k` was not vectorised: 2.9 ms of a
/// load for the shipped table, against 0.9 ms for everything else).
const BLOCK: usize = 8;

/// What [`fold`] folds every row with.
struct Fold<'a> {
    /// Table width.
    d: usize,
    /// `d × 2·width`, row-major.
    heads: &'a [f64],
    /// `2·width`.
    bias: &'a [f64],
    idf: Option<&'a [f32]>,
    scale: f32,
}

impl Fold<'_> {
    /// Per row, `d × 2·width` multiply-adds in f32 (16 products of a row add no error that the
    /// 1e-5 parity bound sees).
    fn rows<T: Copy + Into<f32>>(&self, table: &[T], out: &mut [f32]) {
        let d = self.d.max(1);
        let k = self.bias.len();
        let blocks = k.div_ceil(BLOCK);
        // `padded[(b * d + dd) * BLOCK + j]` = head column `b * BLOCK + j` at width `dd`, 0 past `k`.
        let mut padded = vec![0f32; blocks * d * BLOCK];
        for dd in 0..d {
            for j in 0..k {
                padded[((j / BLOCK) * d + dd) * BLOCK + j % BLOCK] = self.heads[dd * k + j] as f32;
            }
        }
        let bias: Vec<f32> = self.bias.iter().map(|b| *b as f32).collect();
        let mut acc = vec![0f32; blocks * BLOCK];
        for (r, (row, folded)) in table.chunks_exact(d).zip(out.chunks_exact_mut(k + 1)).enumerate() {
            let weight = self.idf.and_then(|i| i.get(r)).copied().unwrap_or(1.0);
            for (sum, block) in acc.chunks_exact_mut(BLOCK).zip(padded.chunks_exact(d * BLOCK)) {
                let mut s = [0f32; BLOCK];
                for (x, h) in row.iter().zip(block.chunks_exact(BLOCK)) {
                    let x: f32 = (*x).into();
                    for j in 0..BLOCK {
                        s[j] += x * h[j];
                    }
                }
                sum.copy_from_slice(&s);
            }
            for ((f, a), b) in folded.iter_mut().zip(&acc).zip(&bias) {
                *f = weight * (a * self.scale + b);
            }
            folded[k] = weight;
        }
    }
}

/// The graph of these weights for tract-core: the folded rows of the ids ([`fold`]) summed, the
/// logits divided by the weight column, seen as two groups, and one softmax over both: output
/// `[1, 2, width]`, actions in group 0 and categories in group 1, each head's outputs first
/// ([`Layout`]). Seven operations, one of them only a new shape ([`groups`]): much of tract's
/// per-message cost is its fixed cost per operation, so the bias and both heads ride in the
/// folded rows. Binary ops get operands of equal rank, so no broadcasting rule beyond tract's
/// per-axis one is relied on.
pub fn graph(w: Weights) -> TractResult<(TypedModel, Layout)> {
    let layout = Layout::of(&w);
    let folded = fold(&w, layout)?;
    drop(w);
    let width = layout.width;
    let mut m = TypedModel::default();
    let n = m.symbols.sym("n");
    let ids = m.add_source("ids", i64::fact([n.to_dim()]))?;
    let folded = m.add_const("folded", folded)?;
    let k = layout.logits();
    let rows = m.wire_node("rows", Gather::new(0), &[folded, ids])?[0]; // [n, k + 1]
    let sum = m.wire_node("sum", Reduce::new(tvec![0], Reducer::Sum), &[rows])?[0]; // [1, k + 1]
    let num = m.wire_node("num", Slice::new(1, 0, k), &[sum])?[0]; // [1, k]
    let den = m.wire_node("den", Slice::new(1, k, k + 1), &[sum])?[0]; // [1, 1]
    let logits = m.wire_node("logits", math::div(), &[num, den])?[0]; // [1, k]
    let logits = m.wire_node("groups", groups(&m, logits, width)?, &[logits])?[0]; // [1, 2, width]
    let probs = m.wire_node(
        "probs",
        Softmax { axes: tvec![2], quant_output_dt: None, kind: Default::default() },
        &[logits],
    )?[0];
    m.select_output_outlets(&[probs])?;
    Ok((m, layout))
}

/// `[1, 2·width]` seen as `[1, 2, width]`: the op tract's own optimiser puts in place of a
/// reshape of known shapes, which only sets the tensor's shape (a plain `AxisOp::Reshape`
/// evaluates its dimensions on every run: 6k instructions a message).
fn groups(m: &TypedModel, logits: OutletId, width: usize) -> TractResult<IntoShape> {
    let reshape = AxisOp::Reshape(1, tvec![(2 * width).to_dim()], tvec![2.to_dim(), width.to_dim()]);
    let dims = [1, 2, width];
    let input = m.outlet_fact(logits)?.clone();
    let output = f32::fact(dims);
    Ok(IntoShape {
        mapping: reshape.axes_mapping(&[&input], &[&output])?,
        len: dims.iter().product(),
        strides: Tensor::natural_strides(&dims),
        dims: dims.iter().copied().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three ids of width 2, idf-weighted, two action outputs and one category output.
    fn weights() -> Weights {
        let table = Tensor::from_shape(&[3, 2], &[1i8, 2, 3, -1, 0, 4]).expect("test tensor");
        let idf = Tensor::from_shape(&[3], &[0.5f32, 2.0, 1.0]).expect("test tensor");
        let la = Tensor::from_shape(&[2, 2], &[1f32, 0.0, 0.0, 1.0]).expect("test tensor");
        let lc = Tensor::from_shape(&[2, 1], &[1f32, 1.0]).expect("test tensor");
        let la_b = Tensor::from_shape(&[1, 2], &[0.25f32, -0.25]).expect("test tensor");
        let lc_b = Tensor::from_shape(&[1, 1], &[0.0f32]).expect("test tensor");
        Weights { table, idf: Some(idf), scale: 0.1, heads: [(la, la_b), (lc, lc_b)] }
    }

    #[test]
    fn fold_holds_each_row_through_both_heads_and_its_weight() {
        let w = weights();
        let layout = Layout::of(&w);
        assert_eq!(layout, Layout { outputs: [2, 1], width: 2 });
        let folded = fold(&w, layout).expect("test tensor");
        assert_eq!(folded.shape(), [3, 5]);
        let got: Vec<f32> = folded.to_plain_array_view::<f32>().expect("f32").iter().copied().collect();
        // Row 1: idf 2 × (scale 0.1 × [3, -1] · [[1, 0], [0, 1]] + [0.25, -0.25]) = [1.1, -0.7]; the
        // categories head: 2 × (0.1 × [3, -1] · [1, 1] + 0) = 0.4, the padding 2 × -1e4; the weight 2.
        let want = [
            0.175, -0.025, 0.15, -5000.0, 0.5, // row 0, idf 0.5
            1.1, -0.7, 0.4, -20000.0, 2.0, // row 1, idf 2
            0.25, 0.15, 0.4, -10000.0, 1.0, // row 2, idf 1
        ];
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            // 1e-6 as before the padding; relative past 1, where f32 steps are coarser.
            assert!((g - w).abs() < 1e-6 * w.abs().max(1.0), "{got:?}");
        }
    }

    #[test]
    fn the_folded_graph_computes_the_weighted_mean_then_the_heads() {
        let (graph, layout) = graph(weights()).expect("graph");
        let plan = graph.into_runnable().expect("plan");
        let ids = Tensor::from_shape(&[3], &[0i64, 1, 1]).expect("test tensor");
        let out = plan.run(tvec!(ids.into())).expect("test tensor");
        // The architecture as written: bag = scale · Σ idf·row / Σ idf, logits = bag · W + b.
        let den = 0.5 + 2.0 + 2.0;
        let bag = [0.1 * (0.5 * 1.0 + 4.0 * 3.0) / den, 0.1 * (0.5 * 2.0 - 4.0) / den];
        let softmax = |l: &[f32]| {
            let e: Vec<f32> = l.iter().map(|x| x.exp()).collect();
            let s: f32 = e.iter().sum();
            e.into_iter().map(|x| x / s).collect::<Vec<f32>>()
        };
        let actions = softmax(&[bag[0] + 0.25, bag[1] - 0.25]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].shape(), [1, 2, layout.width]);
        let got: Vec<f32> = out[0].to_plain_array_view::<f32>().expect("f32").iter().copied().collect();
        for (g, w) in got[..2].iter().zip(&actions) {
            assert!((g - w).abs() < 1e-6, "{got:?} vs {actions:?}");
        }
        // The one category takes all the weight; the padding beside it none.
        assert!((got[2] - 1.0).abs() < 1e-6, "{got:?}");
        assert_eq!(got[3], 0.0, "{got:?}");
    }
}
