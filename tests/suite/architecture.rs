//! The folders of src/ are the steps of the data flow: no folder imports from a folder that
//! imports from it, directly or round a longer loop.

use super::support::rust_files;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level modules a text names as `crate::name`, including inside `use crate::{a, b}`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::x, b, c::{..}}`: the first segment after each top-level comma.
            let mut depth = 0;
            let mut start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    _ if start && (c.is_alphanumeric() || c == '_') => {
                        let word: String = group[j..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        named.insert(word);
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            named.insert(word);
        }
    }
    named
}

/// Which top-level folders each top-level folder imports from, test modules left out.
fn folder_imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let folders: BTreeSet<String> = std::fs::read_dir(src)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap();
        let Some(folder) = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .filter(|f| folders.contains(f))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let targets = graph.entry(folder.clone()).or_default();
        for named in crate_paths(code) {
            if named != folder && folders.contains(&named) {
                targets.insert(named);
            }
        }
    }
    graph
}

/// A cycle in the graph, as the folders along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_folder_of_src_imports_from_a_folder_that_imports_from_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = folder_imports(&src);
    assert!(graph.len() >= 8, "folders read: {graph:?}");
    assert_eq!(
        find_cycle(&graph),
        None,
        "imports between folders: {graph:?}"
    );
}

#[test]
fn the_cycle_check_finds_a_cycle_and_reads_grouped_imports() {
    assert_eq!(
        crate_paths("use crate::{model::x, io::{a, b}, scene};\nlet v = crate::draw::f();"),
        ["draw", "io", "model", "scene"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in [
        ("model", "io"),
        ("io", "scene"),
        ("scene", "model"),
        ("ui", "app"),
    ] {
        graph.entry(from.into()).or_default().insert(to.into());
    }
    let cycle = find_cycle(&graph).expect("a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4, "{cycle:?}");
    graph.get_mut("scene").unwrap().clear();
    assert_eq!(find_cycle(&graph), None);
}

#[test]
fn no_source_file_is_over_600_lines_and_no_glob_import_of_a_parent_outside_tests() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        if dir.exists() {
            rust_files(&dir, &mut files);
        }
    }
    assert!(files.len() > 50);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = text.lines().count();
        assert!(lines <= 600, "{} has {lines} lines", file.display());
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        assert!(
            !code.contains(concat!("use super", "::*;")),
            "{} imports its parent whole outside a test module",
            file.display()
        );
    }
}
