//! The bundled fonts (DejaVu Sans, which covers Azerbaijani's ə, ğ, ı, ş), for egui and for
//! the headless renderer, and text measurement shared by both.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

pub const REGULAR_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub const BOLD_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// egui's name for the bold family.
pub const BOLD_FAMILY: &str = "DejaVuSans-Bold";

/// The two faces, parsed once.
pub struct Faces {
    pub regular: FontRef<'static>,
    pub bold: FontRef<'static>,
}

impl Faces {
    pub fn load() -> Result<Self, ab_glyph::InvalidFont> {
        Ok(Self {
            regular: FontRef::try_from_slice(REGULAR_BYTES)?,
            bold: FontRef::try_from_slice(BOLD_BYTES)?,
        })
    }

    pub fn face(&self, bold: bool) -> &FontRef<'static> {
        if bold { &self.bold } else { &self.regular }
    }

    /// The ab_glyph scale for a font size given, as egui gives it, in pixels per em
    /// (ab_glyph's own scale is the ascent-to-descent height).
    pub fn scale(&self, size: f32, bold: bool) -> PxScale {
        let face = self.face(bold);
        let per_em = face.units_per_em().unwrap_or(2048.0);
        PxScale::from(size * face.height_unscaled() / per_em)
    }

    /// Height of one line at `size`, as egui lays it out (ascent − descent + line gap).
    pub fn row_height(&self, size: f32) -> f32 {
        let font = self.regular.as_scaled(self.scale(size, false));
        font.ascent() - font.descent() + font.line_gap()
    }

    /// From the top of a row to its baseline, at `size`.
    pub fn ascent(&self, size: f32, bold: bool) -> f32 {
        self.face(bold).as_scaled(self.scale(size, bold)).ascent()
    }

    /// Width of `text` at `size` pixels per em, with kerning.
    pub fn text_width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = self.face(bold).as_scaled(self.scale(size, bold));
        let mut width = 0.0;
        let mut previous = None;
        for c in text.chars() {
            let glyph = font.glyph_id(c);
            if let Some(p) = previous {
                width += font.kern(p, glyph);
            }
            width += font.h_advance(glyph);
            previous = Some(glyph);
        }
        width
    }

    /// The characters of `text` that the font has no glyph for.
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        text.chars()
            .filter(|c| !c.is_whitespace() && self.regular.glyph_id(*c).0 == 0)
            .collect()
    }
}

/// Puts the bundled faces first in egui's font families, so every label draws with them.
pub fn install(ctx: &egui::Context) {
    use egui::{FontData, FontDefinitions, FontFamily};
    use std::sync::Arc;
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "DejaVuSans".to_owned(),
        Arc::new(FontData::from_static(REGULAR_BYTES)),
    );
    fonts.font_data.insert(
        BOLD_FAMILY.to_owned(),
        Arc::new(FontData::from_static(BOLD_BYTES)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .insert(0, "DejaVuSans".to_owned());
    }
    let mut bold = vec![BOLD_FAMILY.to_owned()];
    bold.extend(
        fonts
            .families
            .get(&FontFamily::Proportional)
            .cloned()
            .unwrap_or_default(),
    );
    fonts
        .families
        .insert(FontFamily::Name(BOLD_FAMILY.into()), bold);
    ctx.set_fonts(fonts);
}
