//! Every keyboard shortcut of the planner's window, in one place: each key sends a command.
//! F5 starts the show wherever the focus is (a text field takes no F-keys); the rest wait
//! until no text field has the focus. The show's own keys are in `presentation`.

use crate::app::command::Purpose;
use crate::app::{AppState, Command};
use egui::{Key, Modifiers, vec2};

/// How far an arrow key moves the map, in screen points.
const ARROW_STEP: f32 = 120.0;

pub fn shortcuts(ui: &mut egui::Ui, state: &mut AppState) {
    if state.show.presentation.is_some() {
        return;
    }
    if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F5)) {
        state.send(Command::Present);
        return;
    }
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let commands = ui.input_mut(|i| {
        let step = ARROW_STEP;
        let add_slide = i.consume_key(Modifiers::COMMAND, Key::B);
        let open = i.consume_key(Modifiers::COMMAND, Key::O);
        [
            (add_slide, Command::AddSlide),
            (open, Command::ChooseFile(Purpose::OpenData)),
            (i.key_pressed(Key::Home), Command::FitHome),
            (
                i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
                Command::Zoom(2.0),
            ),
            (i.key_pressed(Key::Minus), Command::Zoom(0.5)),
            // Arrows move the view the way the arrow points, as in QGIS.
            (i.key_pressed(Key::ArrowLeft), Command::Pan(vec2(step, 0.0))),
            (
                i.key_pressed(Key::ArrowRight),
                Command::Pan(vec2(-step, 0.0)),
            ),
            (i.key_pressed(Key::ArrowUp), Command::Pan(vec2(0.0, step))),
            (
                i.key_pressed(Key::ArrowDown),
                Command::Pan(vec2(0.0, -step)),
            ),
            (i.key_pressed(Key::Escape), Command::Escape),
        ]
        .into_iter()
        .filter(|(pressed, _)| *pressed)
        .map(|(_, command)| command)
        .collect::<Vec<_>>()
    });
    for command in commands {
        state.send(command);
    }
}
