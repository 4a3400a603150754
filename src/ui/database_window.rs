//! File → Connect to database…: a connection's fields, the spatial tables and views it may
//! read (listed on a thread of their own), Add as layer, and saved connections.

use crate::app::connections::{self, Connection};
use crate::app::{AppState, Command};
use crate::io::postgis::catalog::SpatialTable;
use crate::io::postgis::{Source, TlsMode};
use std::sync::mpsc::{Receiver, TryRecvError};

/// The window's fields and what the last listing found.
pub struct DatabaseWindow {
    pub open: bool,
    pub connection: Connection,
    /// Typed by the user, kept in memory only.
    pub password: String,
    pub tables: Vec<SpatialTable>,
    pub status: String,
    listing: Option<Receiver<Result<Vec<SpatialTable>, String>>>,
    /// The database the listed tables belong to.
    listed: Option<Source>,
    saved: Option<Vec<Connection>>,
}

impl Default for DatabaseWindow {
    fn default() -> Self {
        Self {
            open: false,
            connection: Connection {
                host: "localhost".to_owned(),
                port: 5432,
                database: String::new(),
                user: String::new(),
                sslmode: "prefer".to_owned(),
            },
            password: String::new(),
            tables: Vec::new(),
            status: String::new(),
            listing: None,
            listed: None,
            saved: None,
        }
    }
}

impl DatabaseWindow {
    /// The database the fields name, with the typed password (for this run only).
    fn source(&self) -> Result<Source, String> {
        let mut source = Source::parse_database(&self.connection.url())?;
        if !self.password.is_empty() {
            source.password = Some(self.password.clone());
        }
        Ok(source)
    }

    /// Starts listing the spatial tables on a thread; `wake` repaints when done.
    pub fn list_tables(&mut self, wake: impl Fn() + Send + 'static) {
        let source = match self.source() {
            Ok(s) => s,
            Err(e) => {
                self.status = e;
                return;
            }
        };
        let (send, receive) = std::sync::mpsc::channel();
        self.status = format!("Connecting to {}…", source.label());
        self.listed = Some(source.clone());
        self.listing = Some(receive);
        std::thread::spawn(move || {
            let _ = send.send(crate::io::postgis::catalog::spatial_tables(&source));
            wake();
        });
    }

    /// Takes the listing's result when it has come.
    pub fn poll(&mut self) {
        let Some(receive) = &self.listing else {
            return;
        };
        match receive.try_recv() {
            Ok(Ok(tables)) => {
                self.status = format!("{} spatial tables and views", tables.len());
                self.tables = tables;
                self.listing = None;
            }
            Ok(Err(e)) => {
                self.status = e;
                self.tables.clear();
                self.listing = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.listing = None,
        }
    }

    fn saved(&mut self) -> &mut Vec<Connection> {
        self.saved.get_or_insert_with(|| {
            connections::file()
                .map(|f| connections::load(&f))
                .unwrap_or_default()
        })
    }
}

pub fn database_window_ui(ctx: &egui::Context, state: &mut AppState, window: &mut DatabaseWindow) {
    window.poll();
    crate::ui::windows::closable_window(
        ctx,
        ("Connect to database", 560.0),
        window,
        |window| &mut window.open,
        |ui, window| database_ui(ui, state, window),
    );
}

fn database_ui(ui: &mut egui::Ui, state: &mut AppState, window: &mut DatabaseWindow) {
    let saved = window.saved().clone();
    if !saved.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label("Saved:");
            for c in saved {
                let text = format!("{}@{}/{}", c.user, c.host, c.database);
                if ui.small_button(text).clicked() {
                    window.connection = c;
                }
            }
        });
    }
    let c = &mut window.connection;
    egui::Grid::new("connection").num_columns(2).show(ui, |ui| {
        ui.label("Host");
        ui.text_edit_singleline(&mut c.host);
        ui.end_row();
        ui.label("Port");
        ui.add(egui::DragValue::new(&mut c.port).range(1..=65535));
        ui.end_row();
        ui.label("Database");
        ui.text_edit_singleline(&mut c.database);
        ui.end_row();
        ui.label("User");
        ui.text_edit_singleline(&mut c.user);
        ui.end_row();
        ui.label("Password");
        ui.add(egui::TextEdit::singleline(&mut window.password).password(true))
            .on_hover_text("Kept in memory only; empty uses PGPASSWORD or ~/.pgpass");
        ui.end_row();
        ui.label("TLS mode");
        egui::ComboBox::from_id_salt("sslmode")
            .selected_text(c.sslmode.clone())
            .show_ui(ui, |ui| {
                for mode in TlsMode::ALL {
                    ui.selectable_value(&mut c.sslmode, mode.as_str().to_owned(), mode.as_str());
                }
            });
        ui.end_row();
    });
    ui.horizontal(|ui| {
        let busy = window.listing.is_some();
        if ui
            .add_enabled(!busy, egui::Button::new("List tables"))
            .clicked()
        {
            let ctx = ui.ctx().clone();
            window.list_tables(move || ctx.request_repaint());
        }
        if ui
            .button("Save connection")
            .on_hover_text("Saves host, port, database, user and TLS mode; never the password")
            .clicked()
        {
            let connection = window.connection.clone();
            let list = window.saved();
            list.retain(|c| *c != connection);
            list.insert(0, connection);
            let list = list.clone();
            if let Some(file) = connections::file()
                && let Err(e) = connections::save(&file, &list)
            {
                window.status = format!("{}: cannot save the connections: {e}", file.display());
            }
        }
        if busy {
            ui.spinner();
        }
    });
    if !window.status.is_empty() {
        ui.label(&window.status);
    }
    let Some(source) = window.listed.clone() else {
        return;
    };
    let mut add = None;
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .show(ui, |ui| {
            egui::Grid::new("tables").striped(true).show(ui, |ui| {
                for heading in ["Table", "Column", "Type", "SRID", "Rows (est.)", ""] {
                    ui.strong(heading);
                }
                ui.end_row();
                for table in &window.tables {
                    ui.label(format!("{}.{}", table.schema, table.table));
                    ui.label(&table.column);
                    ui.label(&table.kind);
                    ui.label(table.srid.to_string());
                    ui.label(if table.estimated_rows < 0 {
                        "unknown".to_owned()
                    } else {
                        table.estimated_rows.to_string()
                    });
                    if ui.small_button("Add as layer").clicked() {
                        add = Some(table.url(&source));
                    }
                    ui.end_row();
                }
            });
        });
    if let Some(url) = add {
        // The typed password goes to memory for this run; the layer is named without it.
        let with_password = match &source.password {
            Some(p) => url.replacen('@', &format!(":{}@", percent_encode(p)), 1),
            None => url,
        };
        let path = crate::io::postgis::without_password(std::path::Path::new(&with_password));
        state.send(Command::OpenFiles(vec![path]));
    }
}

/// Escapes what a URL's user information cannot hold as is.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
