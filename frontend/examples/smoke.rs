use numfuse as nf;
use numfuse::s;
fn main() {
    let x = nf::array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    let z = (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true));
    println!("{}", z.ir());
    println!("{}", z);
    let m = nf::arange(16).reshape([4, 4]);
    println!("{}", m.slice(s![1..3, 1..3]));
    println!("{}", m.slice(s![..;-1, 0]));
    println!("{:?}", nf::linspace(0.0, 1.0, 5).to_vec::<f64>());
    println!("{}", nf::arange_step(0.0, 1.0, 0.1));
    let a = nf::array([1u8, 250]);
    println!("{}", &a + 10);
    println!("{:?}", (&a + 300).try_eval().err());
    let e = nf::array([[1.0, 2.0], [3.0, 4.0]]);
    println!("{:?}", (&e + nf::array([1.0, 2.0, 3.0])).try_eval());
}
