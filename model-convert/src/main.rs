//! `smsguard-model-convert IN.onnx OUT.nnef.tar`: write the NNEF archive the library embeds
//! (`scripts/convert-model.sh` then records its sha256 in the manifest).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: smsguard-model-convert IN.onnx OUT.nnef.tar");
        return ExitCode::from(2);
    };
    let onnx = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let nnef = match smsguard_model_convert::onnx_to_nnef(&onnx) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {input} does not convert: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(output, &nnef) {
        eprintln!("error: cannot write {output}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
