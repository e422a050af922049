//! Locate (and if needed build) an example binary that a multi-process test runs.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn example_binary(name: &str) -> PathBuf {
    // Test binaries live in target/<profile>/deps; examples in target/<profile>/examples.
    let exe = std::env::current_exe().unwrap_or_default();
    let profile_dir = exe.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
    let bin = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    // Build it even when it exists: a binary in a shared target dir may come from another
    // checkout or an older build, and testing that would prove nothing. Cheap when up to date.
    // Under `cargo test` (CARGO is set) the build uses the same profile as this test binary.
    if let Ok(cargo) = std::env::var("CARGO") {
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "--example", name, "-p", "smsguard-core"]);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status();
        assert!(status.is_ok_and(|s| s.success()), "building example {name} failed");
    }
    assert!(bin.exists(), "example binary missing at {}", bin.display());
    bin
}
