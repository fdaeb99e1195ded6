//! `metadata/codegen.json`: which namespace the embedded metadata is the closure of, the
//! name prefix and version of the crates generated from it, and their registry metadata
//! (`license`, `repository`, `description`, `publish`; defaults when absent: MIT, none, the
//! generator's description, not published), and the annotation documents applied to the
//! metadata (`annotations`: file names in `metadata/`; default none).

use std::path::Path;

use serde_json::{json, Value};

/// Generation settings kept beside the embedded metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The namespace whose closure `metadata/` holds.
    pub namespace: String,
    /// Prefix of the generated crates' names (`callrecords` -> `callrecords-model`).
    pub crate_prefix: String,
    /// Version of the generated crates, bumped by `metadata update` as the schema diff says.
    pub version: String,
    /// Keys as path segments (`callRecords/{id}`, the Microsoft Graph convention) instead of
    /// key predicates (`callRecords('{id}')`); `"key_as_segment": true` in the file.
    pub key_as_segment: bool,
    /// Registry metadata of the generated crates.
    pub package: codegen::emit::Package,
    /// Annotation documents applied to the metadata, file names in `metadata/`.
    pub annotations: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            namespace: "microsoft.graph.callRecords".into(),
            crate_prefix: "callrecords".into(),
            version: "0.1.0".into(),
            key_as_segment: true,
            package: codegen::emit::Package::default(),
            annotations: Vec::new(),
        }
    }
}

impl Settings {
    /// Where the settings live, relative to the workspace root.
    pub const PATH: &'static str = "metadata/codegen.json";
    /// Where the embedded CSDL lives, relative to the workspace root.
    pub const METADATA: &'static str = "metadata/metadata.xml";
    /// The changelog of the generated crates, relative to the workspace root.
    pub const CHANGELOG: &'static str = "metadata/CHANGELOG.md";

    /// The annotation documents' paths below the workspace `root`.
    pub fn annotation_paths(&self, root: &Path) -> Vec<std::path::PathBuf> {
        self.annotations.iter().map(|a| root.join("metadata").join(a)).collect()
    }

    /// Reads the settings file.
    pub fn load(path: &Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let field = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{}: missing string field {k:?}", path.display()))
        };
        let version = field("version").unwrap_or_else(|_| "0.1.0".into());
        let defaults = codegen::emit::Package::default();
        let optional = |k: &str| -> Result<Option<String>, String> {
            match v.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("{}: {k:?} must be a string", path.display())),
            }
        };
        let publish = match v.get("publish") {
            None | Some(Value::Null) => defaults.publish,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(format!("{}: \"publish\" must be true or false", path.display())),
        };
        let package = codegen::emit::Package {
            license: optional("license")?.unwrap_or(defaults.license),
            repository: optional("repository")?,
            description: optional("description")?,
            publish,
        };
        let key_as_segment = v.get("key_as_segment").and_then(Value::as_bool).unwrap_or(false);
        let annotations = match v.get("annotations") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| match i.as_str() {
                    Some(name) if !name.contains(['/', '\\']) => Ok(name.to_string()),
                    _ => Err(format!("{}: \"annotations\" lists file names in metadata/", path.display())),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(format!("{}: \"annotations\" must be a list of file names", path.display())),
        };
        Ok(Settings {
            namespace: field("namespace")?,
            crate_prefix: field("crate_prefix")?,
            version,
            key_as_segment,
            package,
            annotations,
        })
    }

    /// The file text: every field, the optional ones when set.
    pub fn to_json(&self) -> String {
        let mut v = json!({
            "namespace": self.namespace,
            "crate_prefix": self.crate_prefix,
            "version": self.version,
            "key_as_segment": self.key_as_segment,
            "license": self.package.license,
            "publish": self.package.publish,
        });
        if let (Some(map), Some(r)) = (v.as_object_mut(), &self.package.repository) {
            map.insert("repository".into(), Value::String(r.clone()));
        }
        if let (Some(map), Some(d)) = (v.as_object_mut(), &self.package.description) {
            map.insert("description".into(), Value::String(d.clone()));
        }
        if let (Some(map), false) = (v.as_object_mut(), self.annotations.is_empty()) {
            map.insert("annotations".into(), json!(self.annotations));
        }
        serde_json::to_string_pretty(&v).expect("JSON values always serialize") + "\n"
    }
}
