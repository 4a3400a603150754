//! `karabakh-atlas-cli`: the same program as `karabakh-atlas` built as a console program, so that
//! on Windows `render`, `validate`, `stats` and `bench` print their output and exit code in cmd
//! and PowerShell (a GUI program has no console to print to).

fn main() -> std::process::ExitCode {
    karabakh_atlas::cli::command_line::run()
}
