//! NumPy reference fixtures for products, `linalg`, `einsum` and `fft`
//! (`tests/fixtures/generate_linalg.py`): every case in Lazy, Eager and Interpret mode.

use numfuse_tests::report::check_file;

#[test]
fn fixtures_products() {
    check_file("products");
}

#[test]
fn fixtures_linalg() {
    check_file("linalg");
}

#[test]
fn fixtures_einsum() {
    check_file("einsum");
}

#[test]
fn fixtures_fft() {
    check_file("fft");
}
