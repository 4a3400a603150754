//! The `karabakh-atlas` program: the map window, and the commands without one (see
//! `cli::command_line`). On Windows it is a GUI program, so no console window opens behind the
//! map; `karabakh-atlas-cli.exe` is the same program for cmd and PowerShell.
#![cfg_attr(windows, windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    karabakh_atlas::cli::command_line::run()
}
