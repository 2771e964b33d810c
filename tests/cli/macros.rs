//! Test macros: `clitest!` for a test with its own directory, `eqnice!`
//! for string comparisons that print both sides framed.

/// A test with a fresh directory and a `rehash` command running in it.
#[macro_export]
macro_rules! clitest {
    ($name:ident, |$dir:ident, $cmd:ident| $body:block) => {
        #[test]
        fn $name() {
            #[allow(unused_mut, unused_variables)]
            let ($dir, mut $cmd) = $crate::util::setup(stringify!($name));
            $body
        }
    };
}

/// Like `assert_eq!` on strings, but shows both sides in full, framed,
/// instead of as escaped `Debug` output.
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let expected = &*$expected;
        let got = &*$got;
        if expected != got {
            panic!(
                "
printed outputs differ!

expected:
-----------------------------------------------
{}
-----------------------------------------------

got:
-----------------------------------------------
{}
-----------------------------------------------
",
                expected, got
            );
        }
    }};
}
