//! A directory per test, a `rehash` command running in it, and golden
//! files.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A fresh directory under the target folder, removed when a new test of
/// the same name starts (kept after a failure for inspection).
#[derive(Clone, Debug)]
pub struct Dir {
    root: PathBuf,
}

pub fn setup(name: &str) -> (Dir, TestCommand) {
    let dir = Dir::new(name);
    let cmd = dir.command();
    (dir, cmd)
}

impl Dir {
    pub fn new(name: &str) -> Dir {
        let root =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
        if root.exists() {
            fs::remove_dir_all(&root).unwrap();
        }
        fs::create_dir_all(&root).unwrap();
        Dir { root }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Writes `contents` to `name` (a relative path; parents are created).
    pub fn create(&self, name: &str, contents: impl AsRef<[u8]>) {
        let path = self.root.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(path, contents).unwrap();
    }

    pub fn create_dir(&self, name: &str) {
        fs::create_dir_all(self.root.join(name)).unwrap();
    }

    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.root.join(name)).unwrap()
    }

    /// A `rehash` command whose working directory is this one.
    pub fn command(&self) -> TestCommand {
        command_in(&self.root)
    }
}

/// A `rehash` command run in `dir`.
pub fn command_in(dir: &Path) -> TestCommand {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rehash"));
    cmd.current_dir(dir);
    cmd.env_remove("NO_COLOR");
    TestCommand { cmd, stdin: None }
}

/// The path of a file in the repository's `fixtures` folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

#[derive(Debug)]
pub struct TestCommand {
    cmd: Command,
    stdin: Option<Vec<u8>>,
}

/// What a finished command printed, and how it exited.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestCommand {
    pub fn arg(
        &mut self,
        arg: impl AsRef<std::ffi::OsStr>,
    ) -> &mut TestCommand {
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, A>(&mut self, args: I) -> &mut TestCommand
    where
        I: IntoIterator<Item = A>,
        A: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn stdin(&mut self, bytes: impl Into<Vec<u8>>) -> &mut TestCommand {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs the command, whatever its exit code.
    pub fn output(&mut self) -> Output {
        self.cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self.cmd.spawn().unwrap();
        if let Some(bytes) = self.stdin.take() {
            let mut pipe = child.stdin.take().unwrap();
            // A writer thread: the child may fill its stdout pipe before
            // it has read all of its stdin.
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs the command, asserts that it exits with `code`, and returns
    /// its output.
    pub fn expect_code(&mut self, code: i32) -> Output {
        let out = self.output();
        if out.code != code {
            panic!(
                "\n\n==========\ncommand: {:?}\nexpected exit code {code}, got {}\n\nstdout:\n{}\nstderr:\n{}\n==========\n",
                self.cmd, out.code, out.stdout, out.stderr
            );
        }
        out
    }

    /// Runs the command, asserts success, and returns stdout.
    pub fn stdout(&mut self) -> String {
        self.expect_code(0).stdout
    }
}

/// Compares `got` with `fixtures/golden/<name>`; `REHASH_BLESS=1` rewrites
/// the file instead. Review the diff before committing it.
pub fn assert_golden(name: &str, got: &str) {
    let path = fixture("golden").join(name);
    if env::var_os("REHASH_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, got).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!("{}: {err} (REHASH_BLESS=1 creates it)", path.display())
    });
    eqnice!(expected, got);
}

/// Parses JSON Lines output into `(type, data)` pairs.
pub fn records(stdout: &str) -> Vec<(String, serde_json::Value)> {
    stdout
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            (v["type"].as_str().unwrap().to_string(), v["data"].clone())
        })
        .collect()
}

/// The `data` of every record of type `kind`.
pub fn of_type(stdout: &str, kind: &str) -> Vec<serde_json::Value> {
    records(stdout)
        .into_iter()
        .filter(|(t, _)| t == kind)
        .map(|(_, d)| d)
        .collect()
}

/// The summary record.
pub fn summary(stdout: &str) -> serde_json::Value {
    let recs = records(stdout);
    let (kind, data) = recs.last().expect("some output");
    assert_eq!(kind, "summary", "the summary is the last line");
    data.clone()
}

/// The `(a, b)` ids of every duplicate record.
pub fn pairs(stdout: &str) -> Vec<(String, String)> {
    of_type(stdout, "duplicate")
        .iter()
        .map(|d| {
            (
                d["a"].as_str().unwrap().to_string(),
                d["b"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// gzip-compresses `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc =
        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// zstd-compresses `data`.
pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).unwrap()
}

/// A JSON Lines corpus of `n` generated documents with ids `doc-NNNNN`.
pub fn synth_jsonl(n: usize, words: usize, seed: u64) -> String {
    let spec =
        rehash::synth::Spec { docs: n, words, seed, ..Default::default() };
    let mut out = String::new();
    for d in rehash::synth::generate(&spec).docs {
        out.push_str(
            &serde_json::json!({"id": d.id, "text": d.text}).to_string(),
        );
        out.push('\n');
    }
    out
}
