//! The window's images of dense layers (lines and outlines, and areas too small to see):
//! drawn on the background threads, and the last image moved and scaled with the camera until the
//! one for the current view is ready, as QGIS's map canvas does. A frame only places a texture,
//! whatever the number of lines.

use crate::model::view::MapView;
use crate::scene::dense::DenseImage;
use egui::{Rect, TextureHandle, TextureId, TextureOptions};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

/// What an image shows: whose lines, drawn how, in which view, at what resolution.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Shot {
    content: u64,
    view: MapView,
    viewport: Rect,
    pixels_per_point: f32,
}

struct Request {
    lines: DenseImage,
    shot: Shot,
}

struct Drawn {
    layer_id: String,
    shot: Shot,
    image: egui::ColorImage,
    millis: f64,
}

/// The newest batch of requests; a request the thread has not started is replaced.
#[derive(Default)]
struct Slot {
    next: Option<Vec<Request>>,
    closed: bool,
}

/// The drawing thread and the channel its images come back on.
struct Worker {
    slot: Arc<(Mutex<Slot>, Condvar)>,
    drawn: Receiver<Drawn>,
}

impl Worker {
    fn start(ctx: &egui::Context) -> Option<Worker> {
        let slot = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        let (send, drawn) = channel();
        let theirs = Arc::clone(&slot);
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("dense-lines".into())
            .spawn(move || work(&theirs, &send, &ctx))
            .ok()?;
        Some(Worker { slot, drawn })
    }

    fn submit(&self, requests: Vec<Request>) {
        let (lock, wake) = &*self.slot;
        if let Ok(mut slot) = lock.lock() {
            slot.next = Some(requests);
            wake.notify_one();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let (lock, wake) = &*self.slot;
        if let Ok(mut slot) = lock.lock() {
            slot.closed = true;
            wake.notify_one();
        }
    }
}

/// The thread's loop: take the newest batch, draw it, send the images, wake the window.
fn work(slot: &(Mutex<Slot>, Condvar), send: &Sender<Drawn>, ctx: &egui::Context) {
    let (lock, wake) = slot;
    loop {
        let requests = {
            let Ok(mut guard) = lock.lock() else {
                return;
            };
            loop {
                if guard.closed {
                    return;
                }
                if let Some(next) = guard.next.take() {
                    break next;
                }
                guard = match wake.wait(guard) {
                    Ok(g) => g,
                    Err(_) => return,
                };
            }
        };
        for Request { lines, shot } in requests {
            let started = std::time::Instant::now();
            // On the background threads, which the meshes of new zoom bands share.
            let image = crate::model::background::run(|| {
                lines.draw(shot.pixels_per_point, drawing_threads())
            });
            let drawn = Drawn {
                layer_id: lines.layer_id,
                shot,
                image,
                millis: started.elapsed().as_secs_f64() * 1e3,
            };
            if send.send(drawn).is_err() {
                return;
            }
            ctx.request_repaint();
        }
    }
}

/// One layer's image as the window holds it.
struct Shown {
    shot: Shot,
    texture: TextureHandle,
}

/// The dense line layers' images, kept between frames.
#[derive(Default)]
pub struct Backdrop {
    shown: HashMap<String, Shown>,
    /// What was last asked of the thread for each layer, so that a still view asks once.
    asked: HashMap<String, Shot>,
    worker: Option<Worker>,
    /// How long each image took to draw on the thread, in milliseconds.
    pub draw_millis: Vec<f64>,
}

impl Backdrop {
    /// The images to paint this frame for `dense` (the scene's dense line layers), each with
    /// the screen rectangle it covers in `view`; asks the thread for what is out of date.
    /// A layer's first image takes one drawing to appear; until then it shows nothing.
    pub fn images(
        &mut self,
        ctx: &egui::Context,
        dense: &[DenseImage],
        view: &MapView,
        viewport: Rect,
    ) -> Vec<(TextureId, Rect)> {
        self.receive(ctx);
        let pixels_per_point = ctx.pixels_per_point();
        let mut requests = Vec::new();
        let mut images = Vec::new();
        for lines in dense {
            let shot = Shot {
                content: lines.content_key(),
                view: *view,
                viewport,
                pixels_per_point,
            };
            if let Some(shown) = self.shown.get(&lines.layer_id) {
                images.push((shown.texture.id(), placed(&shown.shot, view, viewport)));
                if shown.shot == shot {
                    continue;
                }
            }
            if self.asked.get(&lines.layer_id) != Some(&shot) {
                self.asked.insert(lines.layer_id.clone(), shot);
                requests.push(Request {
                    lines: lines.clone(),
                    shot,
                });
            }
        }
        // Layers no longer dense (hidden, zoomed in, closed) let their images go.
        self.shown
            .retain(|id, _| dense.iter().any(|d| &d.layer_id == id));
        self.asked
            .retain(|id, _| dense.iter().any(|d| &d.layer_id == id));
        if !requests.is_empty() {
            if self.worker.is_none() {
                self.worker = Worker::start(ctx);
            }
            match &self.worker {
                Some(worker) => worker.submit(requests),
                // No thread to draw on: draw here rather than show nothing.
                None => {
                    for Request { lines, shot } in requests {
                        let image = lines.draw(shot.pixels_per_point, drawing_threads());
                        self.show(ctx, lines.layer_id, shot, image);
                    }
                }
            }
        }
        images
    }

    /// Takes in the images the thread has drawn.
    fn receive(&mut self, ctx: &egui::Context) {
        let drawn: Vec<Drawn> = match &self.worker {
            Some(worker) => worker.drawn.try_iter().collect(),
            None => Vec::new(),
        };
        for d in drawn {
            self.take(ctx, d);
        }
    }

    /// Shows an image from the thread, unless its layer is no longer asked for.
    fn take(&mut self, ctx: &egui::Context, d: Drawn) {
        self.draw_millis.push(d.millis);
        if self.asked.contains_key(&d.layer_id) {
            self.show(ctx, d.layer_id, d.shot, d.image);
        }
    }

    fn show(&mut self, ctx: &egui::Context, layer_id: String, shot: Shot, image: egui::ColorImage) {
        match self.shown.get_mut(&layer_id) {
            Some(shown) => {
                shown.texture.set(image, TextureOptions::LINEAR);
                shown.shot = shot;
            }
            None => {
                let name = format!("dense-lines-{layer_id}");
                let texture = ctx.load_texture(name, image, TextureOptions::LINEAR);
                self.shown.insert(layer_id, Shown { shot, texture });
            }
        }
    }

    /// Whether every image shown is the one last asked for.
    pub fn is_up_to_date(&self) -> bool {
        self.asked
            .iter()
            .all(|(id, shot)| self.shown.get(id).is_some_and(|s| s.shot == *shot))
    }

    /// Waits up to `timeout` for the thread to send an image, and takes it in (for tests and
    /// the frame benchmark, which have no event loop to wake).
    pub fn wait_for_image(&mut self, ctx: &egui::Context, timeout: std::time::Duration) -> bool {
        let Some(worker) = &self.worker else {
            return false;
        };
        match worker.drawn.recv_timeout(timeout) {
            Ok(d) => {
                self.take(ctx, d);
                true
            }
            Err(_) => false,
        }
    }
}

/// The threads an image is drawn on: all cores but one, which the window keeps for its frames.
fn drawing_threads() -> usize {
    crate::model::background::threads().min(crate::scene::dense::all_cores())
}

/// Where an image drawn for `shot` goes on screen in `view`: the world it covered, placed.
fn placed(shot: &Shot, view: &MapView, viewport: Rect) -> Rect {
    let top_left = shot
        .view
        .world_from_screen(shot.viewport, shot.viewport.min);
    let bottom_right = shot
        .view
        .world_from_screen(shot.viewport, shot.viewport.max);
    Rect::from_min_max(
        view.screen_from_world(viewport, top_left),
        view.screen_from_world(viewport, bottom_right),
    )
}
