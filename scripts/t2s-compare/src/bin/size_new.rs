use std::io::Read;
fn main() {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).ok();
    let out: String = t2s_compare::convert(0, &s);
    println!("{out}");
}
