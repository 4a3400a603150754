//! How much of each pixel the lines of one colour cover: lines and area outlines rasterised
//! with coverage-based anti-aliasing.

use super::{ceil, floor};

/// How much of each pixel the lines of one colour cover, 0 to 255.
pub struct Coverage {
    width: usize,
    height: usize,
    pub alpha: Vec<u8>,
}

impl Coverage {
    pub fn new(width: usize, height: usize) -> Self {
        Coverage {
            width,
            height,
            alpha: vec![0; width * height],
        }
    }

    /// Covers the pixels under a stroke `half` wide on each side of the segment from `a` to
    /// `b`, in pixels. Along the segment's main axis, each row or column of pixels whose
    /// centre the segment spans, or passes by less than `half` (a square cap, which closes the
    /// corner where a line turns), gets the stretch of the stroke across it, each pixel covered
    /// by the share of it that stretch overlaps (box-filtered anti-aliasing).
    pub fn segment(&mut self, a: [f32; 2], b: [f32; 2], half: f32) {
        if !(a[0].is_finite() && a[1].is_finite() && b[0].is_finite() && b[1].is_finite()) {
            return;
        }
        let [dx, dy] = [b[0] - a[0], b[1] - a[1]];
        if dx == 0.0 && dy == 0.0 {
            return;
        }
        if dx.abs() >= dy.abs() {
            self.run::<false>(a, b, half);
        } else {
            self.run::<true>([a[1], a[0]], [b[1], b[0]], half);
        }
    }

    /// A segment whose main axis is `u` (x, or y when `TRANSPOSED`), across `v`.
    fn run<const TRANSPOSED: bool>(&mut self, a: [f32; 2], b: [f32; 2], half: f32) {
        let (a, b) = if a[0] <= b[0] { (a, b) } else { (b, a) };
        let slope = (b[1] - a[1]) / (b[0] - a[0]);
        let across = half * (1.0 + slope * slope).sqrt();
        let (u_size, v_size) = if TRANSPOSED {
            (self.height as i64, self.width as i64)
        } else {
            (self.width as i64, self.height as i64)
        };
        if a[1].min(b[1]) - across >= v_size as f32 || a[1].max(b[1]) + across <= 0.0 {
            return;
        }
        // The rows or columns whose centres the segment or its caps span, on the canvas.
        let mut u0 = ceil(a[0] - half - 0.5).max(0);
        let mut u1 = (floor(b[0] + half - 0.5) + 1).min(u_size);
        if slope != 0.0 {
            let at = |v: f32| a[0] + (v - a[1]) / slope - 0.5;
            let (p, q) = (at(-across - 1.0), at(v_size as f32 + across + 1.0));
            u0 = u0.max(floor(p.min(q)));
            u1 = u1.min(ceil(p.max(q)) + 1);
        }
        let stride = self.width;
        for u in u0..u1 {
            let along = (u as f32 + 0.5).clamp(a[0], b[0]);
            let centre = a[1] + (along - a[0]) * slope;
            let (lo, hi) = (centre - across, centre + across);
            let v0 = floor(lo).max(0);
            let v1 = ceil(hi).min(v_size);
            for v in v0..v1 {
                let share = hi.min(v as f32 + 1.0) - lo.max(v as f32);
                if share > 0.0 {
                    // u and v are within the canvas here.
                    let (u, v) = (u as usize, v as usize);
                    let at = if TRANSPOSED {
                        u * stride + v
                    } else {
                        v * stride + u
                    };
                    let value = (share.min(1.0) * 255.0 + 0.5) as u8;
                    let cell = &mut self.alpha[at];
                    *cell = (*cell).max(value);
                }
            }
        }
    }

    /// Paints every pixel a polygon touches (its rings in pixels, the exterior first): the
    /// pixels its edges pass through, and those whose centres lie inside. An area a fraction
    /// of a pixel wide still paints the pixel it lies in.
    pub fn footprint(&mut self, rings: &[Vec<[f32; 2]>]) {
        let finite = |p: &[f32; 2]| p[0].is_finite() && p[1].is_finite();
        if rings.iter().flatten().any(|p| !finite(p)) {
            return;
        }
        for ring in rings {
            match ring.as_slice() {
                [] => {}
                [only] => self.touch(only[0], only[1]),
                _ => {
                    for w in ring.windows(2) {
                        self.edge(w[0], w[1]);
                    }
                }
            }
        }
        // Rows whose pixel centres lie inside (even-odd over every ring).
        let (mut y_lo, mut y_hi) = (f32::INFINITY, f32::NEG_INFINITY);
        for p in rings.iter().flatten() {
            y_lo = y_lo.min(p[1]);
            y_hi = y_hi.max(p[1]);
        }
        let y0 = floor(y_lo - 0.5).max(0);
        let y1 = ceil(y_hi - 0.5).min(self.height as i64 - 1);
        let mut crossings: Vec<f32> = Vec::new();
        for y in y0..=y1 {
            let cy = y as f32 + 0.5;
            crossings.clear();
            for ring in rings {
                for w in ring.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    if (a[1] > cy) != (b[1] > cy) {
                        crossings.push(a[0] + (cy - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
                    }
                }
            }
            crossings.sort_by(f32::total_cmp);
            for pair in crossings.chunks_exact(2) {
                let x0 = ceil(pair[0] - 0.5).max(0);
                let x1 = floor(pair[1] - 0.5).min(self.width as i64 - 1);
                for x in x0..=x1 {
                    self.alpha[y as usize * self.width + x as usize] = 255;
                }
            }
        }
    }

    /// Paints the pixel holding `(x, y)`, if it is on the canvas.
    pub fn touch(&mut self, x: f32, y: f32) {
        let (px, py) = (floor(x), floor(y));
        if px >= 0 && py >= 0 && (px as usize) < self.width && (py as usize) < self.height {
            self.alpha[py as usize * self.width + px as usize] = 255;
        }
    }

    /// Paints every pixel the segment from `a` to `b` passes through (a supercover walk from
    /// pixel to pixel across the grid lines it crosses).
    fn edge(&mut self, a: [f32; 2], b: [f32; 2]) {
        let (mut x, mut y) = (floor(a[0]), floor(a[1]));
        let (end_x, end_y) = (floor(b[0]), floor(b[1]));
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let step_x: i64 = if dx > 0.0 { 1 } else { -1 };
        let step_y: i64 = if dy > 0.0 { 1 } else { -1 };
        // How far along the segment (0..1) the next vertical and horizontal grid lines are.
        let next = |p: f32, i: i64, d: f32, step: i64| {
            if d == 0.0 {
                f32::INFINITY
            } else {
                let line = if step > 0 { (i + 1) as f32 } else { i as f32 };
                (line - p) / d
            }
        };
        let mut t_x = next(a[0], x, dx, step_x);
        let mut t_y = next(a[1], y, dy, step_y);
        let dt_x = if dx == 0.0 {
            f32::INFINITY
        } else {
            1.0 / dx.abs()
        };
        let dt_y = if dy == 0.0 {
            f32::INFINITY
        } else {
            1.0 / dy.abs()
        };
        // A segment crossing the whole canvas walks at most its width and height in pixels.
        let limit = (end_x - x).abs() + (end_y - y).abs() + 2;
        for _ in 0..limit.min(1 << 20) {
            self.touch(x as f32 + 0.5, y as f32 + 0.5);
            if x == end_x && y == end_y {
                break;
            }
            if t_x < t_y {
                x += step_x;
                t_x += dt_x;
            } else {
                y += step_y;
                t_y += dt_y;
            }
        }
    }

    /// A square `half` from `p` on each side: a line of one point, or a line's start.
    pub fn dot(&mut self, p: [f32; 2], half: f32) {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return;
        }
        let (lo_x, hi_x) = (p[0] - half, p[0] + half);
        let (lo_y, hi_y) = (p[1] - half, p[1] + half);
        let x0 = floor(lo_x).max(0) as usize;
        let x1 = ceil(hi_x).clamp(0, self.width as i64) as usize;
        let y0 = floor(lo_y).max(0) as usize;
        let y1 = ceil(hi_y).clamp(0, self.height as i64) as usize;
        for y in y0..y1 {
            let sy = hi_y.min(y as f32 + 1.0) - lo_y.max(y as f32);
            for x in x0..x1 {
                let sx = hi_x.min(x as f32 + 1.0) - lo_x.max(x as f32);
                let share = (sx.clamp(0.0, 1.0) * sy.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
                let cell = &mut self.alpha[y * self.width + x];
                *cell = (*cell).max(share);
            }
        }
    }
}
