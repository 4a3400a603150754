//! The camera: where the map is looked at from, how it maps world metres to screen points,
//! and how it moves (pan, zoom at a point, fit, smooth animation).

use crate::model::projection::World;
use egui::{Pos2, Rect, Vec2, pos2};

/// The closest zoom: metres of world per screen point.
pub const MIN_METRES_PER_POINT: f64 = 0.5;
/// The farthest zoom: the whole Caucasus and more fits in a window.
pub const MAX_METRES_PER_POINT: f64 = 5_000.0;

/// How near (in screen points) a click must be to a point or a line, or to an area too
/// small to see.
pub const PICK_TOLERANCE_POINTS: f64 = 7.0;

/// An axis-aligned box in world metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorldBounds {
    pub min: World,
    pub max: World,
}

impl WorldBounds {
    pub fn center(&self) -> World {
        [
            (self.min[0] + self.max[0]) / 2.0,
            (self.min[1] + self.max[1]) / 2.0,
        ]
    }

    pub fn width(&self) -> f64 {
        self.max[0] - self.min[0]
    }

    pub fn height(&self) -> f64 {
        self.max[1] - self.min[1]
    }

    /// Whether the two boxes meet (touching counts).
    pub fn intersects(&self, other: &WorldBounds) -> bool {
        self.min[0] <= other.max[0]
            && other.min[0] <= self.max[0]
            && self.min[1] <= other.max[1]
            && other.min[1] <= self.max[1]
    }

    /// Whether `other` lies wholly inside this box.
    pub fn contains(&self, other: &WorldBounds) -> bool {
        self.min[0] <= other.min[0]
            && self.min[1] <= other.min[1]
            && other.max[0] <= self.max[0]
            && other.max[1] <= self.max[1]
    }

    /// The squared distance from `point` to the box: 0 inside or on it.
    pub fn distance_squared_to(&self, point: World) -> f64 {
        let dx = (self.min[0] - point[0])
            .max(point[0] - self.max[0])
            .max(0.0);
        let dy = (self.min[1] - point[1])
            .max(point[1] - self.max[1])
            .max(0.0);
        dx * dx + dy * dy
    }

    /// The smallest box holding both.
    pub fn union(&self, other: &WorldBounds) -> WorldBounds {
        WorldBounds {
            min: [self.min[0].min(other.min[0]), self.min[1].min(other.min[1])],
            max: [self.max[0].max(other.max[0]), self.max[1].max(other.max[1])],
        }
    }
}

/// A still camera: the world point at the viewport's centre and the zoom.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapView {
    /// World point shown at the centre of the viewport.
    pub center: World,
    /// World metres per screen point.
    pub metres_per_point: f64,
}

impl MapView {
    /// A view that shows `bounds` whole inside `viewport`, with `margin` points around it.
    pub fn fitting(bounds: &WorldBounds, viewport: Vec2, margin: f32) -> MapView {
        let usable_w = f64::from((viewport.x - 2.0 * margin).max(1.0));
        let usable_h = f64::from((viewport.y - 2.0 * margin).max(1.0));
        let mpp = (bounds.width() / usable_w).max(bounds.height() / usable_h);
        MapView {
            center: bounds.center(),
            metres_per_point: clamp_zoom(mpp),
        }
    }

    /// A view of `viewport` that shows `bounds` whole inside its part `clear`, `margin`
    /// points in from its edges, centred there, and never closer than `closest`
    /// metres per point.
    pub fn fitting_into(
        bounds: &WorldBounds,
        viewport: Rect,
        clear: Rect,
        margin: f32,
        closest: f64,
    ) -> MapView {
        let fit = MapView::fitting(bounds, clear.size(), margin);
        let mut view = MapView {
            center: bounds.center(),
            metres_per_point: fit.metres_per_point.max(closest),
        };
        let shown_at = view.world_from_screen(viewport, clear.center());
        let centre = bounds.center();
        view.center = [
            view.center[0] + centre[0] - shown_at[0],
            view.center[1] + centre[1] - shown_at[1],
        ];
        view
    }

    pub fn screen_from_world(&self, viewport: Rect, world: World) -> Pos2 {
        let c = viewport.center();
        pos2(
            c.x + ((world[0] - self.center[0]) / self.metres_per_point) as f32,
            c.y - ((world[1] - self.center[1]) / self.metres_per_point) as f32,
        )
    }

    pub fn world_from_screen(&self, viewport: Rect, screen: Pos2) -> World {
        let c = viewport.center();
        [
            self.center[0] + f64::from(screen.x - c.x) * self.metres_per_point,
            self.center[1] - f64::from(screen.y - c.y) * self.metres_per_point,
        ]
    }

    /// The scale at the view's centre, `1:n`, on a display of 0.28 mm points (the OGC
    /// standard pixel).
    pub fn scale_denominator(&self) -> f64 {
        let lat = crate::model::projection::lonlat_from_world(self.center)[1];
        self.metres_per_point * crate::model::projection::ground_per_world_metre(lat) / 0.000_28
    }

    /// The world box the viewport shows.
    pub fn visible_bounds(&self, viewport: Rect) -> WorldBounds {
        let a = self.world_from_screen(viewport, viewport.left_bottom());
        let b = self.world_from_screen(viewport, viewport.right_top());
        WorldBounds { min: a, max: b }
    }

    /// Moves the map by a screen delta (the content follows the pointer).
    pub fn pan_by_screen(&mut self, delta: Vec2) {
        self.center[0] -= f64::from(delta.x) * self.metres_per_point;
        self.center[1] += f64::from(delta.y) * self.metres_per_point;
    }

    /// Zooms by `factor` (>1 zooms in) keeping the world point under `anchor` fixed.
    pub fn zoom_at(&mut self, viewport: Rect, anchor: Pos2, factor: f64) {
        let before = self.world_from_screen(viewport, anchor);
        self.metres_per_point = clamp_zoom(self.metres_per_point / factor);
        self.place(viewport, anchor, before);
    }

    /// Moves the centre so that `world` shows at `screen`.
    fn place(&mut self, viewport: Rect, screen: Pos2, world: World) {
        let c = viewport.center();
        self.center = [
            world[0] - f64::from(screen.x - c.x) * self.metres_per_point,
            world[1] + f64::from(screen.y - c.y) * self.metres_per_point,
        ];
    }
}

pub fn clamp_zoom(metres_per_point: f64) -> f64 {
    if metres_per_point.is_finite() {
        metres_per_point.clamp(MIN_METRES_PER_POINT, MAX_METRES_PER_POINT)
    } else {
        MAX_METRES_PER_POINT
    }
}

/// Where an animated move ends: `world` shows `offset` from the viewport's centre, at zoom
/// `metres_per_point`. Relative to the centre, so that a panel opening mid-flight (which
/// resizes the map) does not throw the target off.
#[derive(Clone, Copy, Debug)]
struct Flight {
    offset: Vec2,
    world: World,
    metres_per_point: f64,
}

/// A smooth zoom-and-pan between two views (van Wijk and Nuij, "Smooth and efficient zooming
/// and panning", 2003): it zooms out, across and in, along the path that feels shortest.
#[derive(Clone, Copy, Debug)]
pub struct Tour {
    from: MapView,
    to: MapView,
    /// Width of the viewport in points, which turns metres per point into a visible width.
    width_points: f64,
    elapsed: f32,
    duration: f32,
}

/// ρ of van Wijk and Nuij: how much the path zooms out (√2, as d3 uses).
const RHO: f64 = std::f64::consts::SQRT_2;

impl Tour {
    pub fn new(from: MapView, to: MapView, width_points: f32, duration: f32) -> Self {
        Self {
            from,
            to,
            width_points: f64::from(width_points.max(1.0)),
            elapsed: 0.0,
            duration: duration.max(0.01),
        }
    }

    /// The view at `t` in 0..=1 along the path.
    pub fn at(&self, t: f64) -> MapView {
        let (w0, w1) = (
            self.from.metres_per_point * self.width_points,
            self.to.metres_per_point * self.width_points,
        );
        let [x0, y0] = self.from.center;
        let (dx, dy) = (self.to.center[0] - x0, self.to.center[1] - y0);
        let d2 = dx * dx + dy * dy;
        let (u, w) = if d2 < 1e-12 {
            let s = (w1 / w0).ln() / RHO;
            (t, w0 * (RHO * t * s).exp())
        } else {
            let d1 = d2.sqrt();
            let (rho2, rho4) = (RHO * RHO, RHO.powi(4));
            let b0 = (w1 * w1 - w0 * w0 + rho4 * d2) / (2.0 * w0 * rho2 * d1);
            let b1 = (w1 * w1 - w0 * w0 - rho4 * d2) / (2.0 * w1 * rho2 * d1);
            let r0 = ((b0 * b0 + 1.0).sqrt() - b0).ln();
            let r1 = ((b1 * b1 + 1.0).sqrt() - b1).ln();
            let s = t * (r1 - r0) / RHO;
            let u = w0 / (rho2 * d1) * (r0.cosh() * (RHO * s + r0).tanh() - r0.sinh());
            (u, w0 * r0.cosh() / (RHO * s + r0).cosh())
        };
        MapView {
            center: [x0 + u * dx, y0 + u * dy],
            metres_per_point: w / self.width_points,
        }
    }

    /// Where along the path the tour is, eased in and out (0..=1).
    pub fn progress(&self) -> f64 {
        let t = f64::from((self.elapsed / self.duration).clamp(0.0, 1.0));
        t * t * (3.0 - 2.0 * t)
    }
}

/// A camera that can glide to a target view instead of jumping.
#[derive(Clone, Debug)]
pub struct Camera {
    pub view: MapView,
    flight: Option<Flight>,
    tour: Option<Tour>,
}

impl Camera {
    pub fn new(view: MapView) -> Self {
        Self {
            view,
            flight: None,
            tour: None,
        }
    }

    pub fn is_moving(&self) -> bool {
        self.flight.is_some() || self.tour.is_some()
    }

    /// Stops any animation where it is (a user's drag or zoom interrupts a flight).
    pub fn stop(&mut self) {
        self.flight = None;
        self.tour = None;
    }

    /// Flies to `view` along a smooth zoom-out-across-in path taking `seconds`.
    pub fn tour_to(&mut self, view: MapView, viewport: Rect, seconds: f32) {
        self.flight = None;
        self.tour = Some(Tour::new(self.view, view, viewport.width(), seconds));
    }

    /// Starts a smooth zoom by `factor` around the screen point `anchor`.
    pub fn glide_zoom(&mut self, viewport: Rect, anchor: Pos2, factor: f64) {
        let base = self
            .flight
            .map_or(self.view.metres_per_point, |f| f.metres_per_point);
        let world = self.view.world_from_screen(viewport, anchor);
        self.flight = Some(Flight {
            offset: anchor - viewport.center(),
            world,
            metres_per_point: clamp_zoom(base / factor),
        });
    }

    /// Starts a smooth pan by a screen delta.
    pub fn glide_pan(&mut self, viewport: Rect, delta: Vec2) {
        let mut end = self.target_view(viewport);
        end.pan_by_screen(delta);
        self.glide_to(end);
    }

    /// Starts a smooth move to `view`.
    pub fn glide_to(&mut self, view: MapView) {
        self.flight = Some(Flight {
            offset: Vec2::ZERO,
            world: view.center,
            metres_per_point: view.metres_per_point,
        });
    }

    /// Where the camera will be when the animation ends.
    pub fn target_view(&self, viewport: Rect) -> MapView {
        match self.flight {
            None => self.view,
            Some(f) => {
                let mut v = MapView {
                    center: self.view.center,
                    metres_per_point: f.metres_per_point,
                };
                v.place(viewport, viewport.center() + f.offset, f.world);
                v
            }
        }
    }

    /// Advances the animation by `dt` seconds. Returns true while still moving.
    pub fn step(&mut self, viewport: Rect, dt: f32) -> bool {
        if let Some(tour) = self.tour.as_mut() {
            tour.elapsed += dt.clamp(0.0, 0.1);
            self.view = tour.at(tour.progress());
            if tour.elapsed >= tour.duration {
                self.view = tour.to;
                self.tour = None;
            }
            return true;
        }
        let Some(f) = self.flight else {
            return false;
        };
        // Exponential approach: about 95% of the way in 0.25 s, whatever the frame rate.
        let t = 1.0 - (-12.0 * f64::from(dt.clamp(0.0, 0.1))).exp();
        let screen = viewport.center() + f.offset;
        let now_world = self.view.world_from_screen(viewport, screen);
        let log_now = self.view.metres_per_point.ln();
        let log_end = f.metres_per_point.ln();
        let mpp = (log_now + (log_end - log_now) * t).exp();
        let world = [
            now_world[0] + (f.world[0] - now_world[0]) * t,
            now_world[1] + (f.world[1] - now_world[1]) * t,
        ];
        self.view.metres_per_point = mpp;
        self.view.place(viewport, screen, world);
        let zoom_left = (log_end - mpp.ln()).abs();
        let pan_left = ((f.world[0] - world[0]).hypot(f.world[1] - world[1])) / mpp;
        if zoom_left < 1e-3 && pan_left < 0.05 {
            self.view.metres_per_point = f.metres_per_point;
            self.view.place(viewport, screen, f.world);
            self.flight = None;
        }
        true
    }
}
