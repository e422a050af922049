//! `uniffi-bindgen`, built from the same uniffi version as `smsguard-ffi` (a mismatch produces
//! bindings whose checksums the library rejects at load time). Used by `scripts/gen-bindings.sh`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
