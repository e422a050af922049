//! The NNEF operators the device build understands: only what an embedding-bag classifier needs.
//!
//! tract's default registries deserialise every operator tract has (convolutions, FFTs,
//! recurrent cells, …), and a registry entry links the operator's whole implementation into the
//! library. Loading through this registry keeps those entries out of our code path, but it does
//! not shrink the library yet: tract-nnef 0.23.9 also builds the full registries from an
//! `inventory`-registered transform, so they stay linked (measured in bindings/README.md, Size).
//! A model that uses any other operator is refused at load with an error naming it;
//! `model-convert`'s tests and the goldens test prove the shipped one loads.

use tract_nnef::framework::{stdlib, Nnef};
use tract_nnef::internal::*;
use tract_nnef::ops::nnef::deser;
use tract_nnef::tract_core::ops;

/// The NNEF framework object for loading the shipped model family.
pub fn device_nnef() -> Nnef {
    let stdlib_for_parsing = stdlib();
    let mut stdlib = stdlib_for_parsing.clone();
    let mut nnef = Registry::new("tract_nnef");
    // Standard NNEF primitives: declared in tract's stdlib text, deserialised by tract's own code.
    let primitives: [(&str, ToTract); 10] = [
        ("external", deser::external),
        ("variable", deser::variable),
        ("reshape", deser::reshape),
        ("squeeze", deser::squeeze),
        ("unsqueeze", deser::unsqueeze),
        ("matmul", deser::matmul),
        ("transpose", deser::transpose),
        ("sum_reduce", deser::reduce),
        ("max_reduce", deser::reduce),
        ("softmax", deser::softmax),
    ];
    for (id, load) in primitives {
        if let Some(at) = stdlib.iter().position(|f| f.decl.id.0 == id) {
            let decl = stdlib.remove(at).decl;
            nnef.register_primitive(id, &decl.parameters, &decl.results, load);
        }
    }
    nnef.register_binary("add", &ops::math::Add {});
    nnef.register_binary("sub", &ops::math::Sub {});
    nnef.register_binary("mul", &ops::math::Mul {});
    nnef.register_binary("div", &ops::math::Div {});
    nnef.register_unit_element_wise("recip", &ops::math::Recip {});
    nnef.register_unit_element_wise("exp", &ops::math::Exp {});
    // Fragments (operators written in NNEF in terms of primitives, e.g. mean_reduce) cost no
    // code; one that needs a primitive not registered above fails to load, with its name.
    for fragment in stdlib {
        if fragment.body.is_some() {
            nnef.register_fragment(fragment);
        }
    }

    let mut core = Registry::new("tract_core");
    core.register_primitive(
        "tract_core_external",
        &[TypeName::String.named("datum_type"), TypeName::Integer.array().named("shape")],
        &[("output", TypeName::Any.tensor())],
        external,
    );
    core.register_primitive(
        "tract_core_gather",
        &[
            TypeName::Scalar.tensor().named("input"),
            TypeName::Scalar.tensor().named("indices"),
            TypeName::Integer.named("axis"),
        ],
        &[("output", TypeName::Scalar.tensor())],
        gather,
    );
    core.register_primitive(
        "tract_core_cast",
        &[TypeName::Scalar.tensor().named("input"), TypeName::String.named("to")],
        &[("output", TypeName::Scalar.tensor())],
        cast,
    );

    // Built field by field: `tract_nnef::nnef()` would construct the full registries even if
    // they were replaced afterwards.
    Nnef {
        stdlib: stdlib_for_parsing,
        registries: vec![nnef, core],
        // The graph text and tensor files only: no quantisation sidecar, no nested models.
        resource_loaders: vec![GraphNnefLoader.into_boxed(), DatLoader.into_boxed()],
        allow_extended_identifier_syntax: false,
        extern_all_constants: false,
    }
}

/// A model input of a declared type and (possibly symbolic) shape.
fn external(builder: &mut ModelBuilder, invocation: &ResolvedInvocation) -> TractResult<Value> {
    let shape: TVec<TDim> =
        builder.allowing_new_symbols(|builder| invocation.named_arg_as(builder, "shape"))?;
    let dt: DatumType = invocation.named_arg_as::<String>(builder, "datum_type")?.parse()?;
    Ok(Value::Wire(builder.model.add_source("", dt.fact(&*shape))?))
}

/// Rows of a table by index (the embedding lookup).
fn gather(builder: &mut ModelBuilder, invocation: &ResolvedInvocation) -> TractResult<Value> {
    let input = invocation.named_arg_as(builder, "input")?;
    let indices = invocation.named_arg_as(builder, "indices")?;
    let indices = builder.wire_as_outlets(ops::cast::cast(i64::datum_type()), &[indices])?[0];
    let axis: usize = invocation.named_arg_as(builder, "axis")?;
    builder.wire(ops::array::Gather::new(axis), &[input, indices])
}

/// Element type conversion (the int8 table's rows to f32).
fn cast(builder: &mut ModelBuilder, invocation: &ResolvedInvocation) -> TractResult<Value> {
    let input = invocation.named_arg_as(builder, "input")?;
    let to: DatumType = invocation.named_arg_as::<String>(builder, "to")?.parse()?;
    builder.wire(ops::cast::Cast { to }, &[input])
}
