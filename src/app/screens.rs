//! The screens a show can use: with two or more, the slides go to another screen (the
//! projector) and the presenter view stays on the window's own, as PowerPoint does; a setting
//! swaps them.

/// A screen as the window system lists it, in its order (the order
/// `egui::ViewportCommand::SetMonitor` and `ViewportBuilder::with_monitor` count in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screen {
    pub name: String,
    /// Physical pixels.
    pub width: u32,
    pub height: u32,
}

/// The screens there are, and which of them holds the window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Screens {
    pub list: Vec<Screen>,
    /// The window's screen, an index into `list`, when the window system says.
    pub current: Option<usize>,
    /// The show on the window's screen and the presenter view on the other.
    pub swapped: bool,
}

/// Where the slides and the presenter view go: a screen's index, or `None` for the window's
/// own screen (the slides full screen there; the presenter view only if asked for, in a
/// window of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScreenPlan {
    pub show: Option<usize>,
    pub presenter: Option<usize>,
}

impl Screens {
    /// Where the show goes: with one screen, full screen where the window is; with two or
    /// more, the slides on the first screen that is not the window's and the presenter view
    /// on the window's (or the other way round when swapped).
    pub fn plan(&self) -> ScreenPlan {
        let here = self
            .current
            .unwrap_or(0)
            .min(self.list.len().saturating_sub(1));
        let other = (0..self.list.len()).find(|&i| i != here);
        match other {
            Some(other) if self.swapped => ScreenPlan {
                show: Some(here),
                presenter: Some(other),
            },
            Some(other) => ScreenPlan {
                show: Some(other),
                presenter: Some(here),
            },
            None => ScreenPlan {
                show: None,
                presenter: None,
            },
        }
    }

    /// A line for the slides panel saying where the show will go, when there is a choice.
    pub fn describe(&self) -> Option<String> {
        let plan = self.plan();
        let (show, presenter) = (plan.show?, plan.presenter?);
        let name = |i: usize| {
            self.list.get(i).map_or_else(String::new, |s| {
                format!("{} ({}×{})", s.name, s.width, s.height)
            })
        };
        Some(format!(
            "{} screens: the slides on {}, the presenter view on {}",
            self.list.len(),
            name(show),
            name(presenter)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screens(n: usize, current: Option<usize>, swapped: bool) -> Screens {
        Screens {
            list: (0..n)
                .map(|i| Screen {
                    name: format!("S{i}"),
                    width: 1920,
                    height: 1080,
                })
                .collect(),
            current,
            swapped,
        }
    }

    fn plan(show: Option<usize>, presenter: Option<usize>) -> ScreenPlan {
        ScreenPlan { show, presenter }
    }

    #[test]
    fn one_screen_shows_full_screen_where_the_window_is() {
        for n in [0, 1] {
            assert_eq!(screens(n, Some(0), false).plan(), plan(None, None));
            assert_eq!(screens(n, None, true).plan(), plan(None, None));
            assert_eq!(screens(n, Some(0), false).describe(), None);
        }
    }

    #[test]
    fn two_screens_put_the_slides_on_the_other_and_a_swap_turns_them_round() {
        assert_eq!(screens(2, Some(0), false).plan(), plan(Some(1), Some(0)));
        assert_eq!(screens(2, Some(1), false).plan(), plan(Some(0), Some(1)));
        assert_eq!(screens(2, Some(0), true).plan(), plan(Some(0), Some(1)));
        // Not told which screen holds the window: the first.
        assert_eq!(screens(2, None, false).plan(), plan(Some(1), Some(0)));
        // Three screens, the window on the last: the slides on the first other one.
        assert_eq!(screens(3, Some(2), false).plan(), plan(Some(0), Some(2)));
        assert_eq!(
            screens(2, Some(0), false).describe().unwrap(),
            "2 screens: the slides on S1 (1920×1080), the presenter view on S0 (1920×1080)"
        );
    }
}
