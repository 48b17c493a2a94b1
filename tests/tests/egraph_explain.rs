//! The optimizer in the user-facing path: `Mode::Lazy` evaluates the optimized graph (equal to
//! the interpreter's answer on the graph as written), and `explain` / `optimized_ir` show the
//! graph before and after with the saturation report.

use numfuse as nf;

fn ramp(shape: &[usize]) -> nf::Array {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.37).sin() * 3.0).collect();
    nf::Array::from_ndarray(&nf::NdArray::from_vec(shape.to_vec(), v).unwrap())
}

#[test]
fn explain_shows_the_graph_before_and_after_and_the_report() {
    let x = ramp(&[6, 3]);
    let y = ((-(-&x) * 1.0).t().t() / 1.0).exp();
    let report = y.explain();
    for part in [
        "== graph as written ==",
        "== optimizer ==",
        "optimizer: Strict",
        "stop: saturated",
        "rules on: identity",
        "fired: identity×",
        "== optimized graph ==",
    ] {
        assert!(report.contains(part), "missing {part:?} in\n{report}");
    }
    let z = (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true));
    let report = z.explain();
    assert!(
        report.contains("== optimized graph: unchanged ==\n== "),
        "{report}"
    );
    assert_eq!(
        report.matches("return %").count(),
        1,
        "graph printed once\n{report}"
    );
    let opt = y.optimized_ir();
    assert!(
        opt.starts_with("%0 = input[0] : (6,3) float64\n%1 = exp(%0)"),
        "{opt}"
    );
}

#[test]
fn lazy_results_equal_the_interpreter_on_rewritten_graphs() {
    let x = ramp(&[40, 7]);
    let row = ramp(&[7]);
    let programs: Vec<Box<dyn Fn() -> nf::Array>> = vec![
        Box::new(|| (-(-&x) * 1.0 - 0.0).t().t()),
        Box::new(|| (row.broadcast_to([40, 7]) * 2.0 + 1.0).exp()),
        Box::new(|| row.broadcast_to([40, 7]).max(nf::axis(0)) + x.sum(nf::axis(0))),
        Box::new(|| (&x * 3.0).astype(nf::int64).sum(None) * 1 + 0),
    ];
    for p in &programs {
        let lazy = nf::with_mode(nf::Mode::Lazy, || p().eval());
        let interp = nf::with_mode(nf::Mode::Interpret, || p().eval());
        assert_eq!(lazy.dtype(), interp.dtype());
        assert_eq!(lazy.shape(), interp.shape());
        assert_eq!(format!("{lazy:?}"), format!("{interp:?}"));
        let (a, b) = (
            lazy.astype(nf::float64).to_vec::<f64>().unwrap(),
            interp.astype(nf::float64).to_vec::<f64>().unwrap(),
        );
        let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
    }
}
