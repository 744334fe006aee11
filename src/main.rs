//! The `treaty` command: a thin client of the library.

fn main() -> std::process::ExitCode {
    treaty_workbench::cli::main()
}
