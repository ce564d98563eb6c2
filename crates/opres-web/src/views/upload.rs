//! Reading an upload form (multipart/form-data): its text fields and its files, under the upload
//! limit, with a field problem instead of the multipart parser's words.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use opres_domain::Problem;
use std::collections::HashMap;

/// The text fields and the files of an upload form.
pub(crate) struct Upload {
    /// Text fields by name.
    pub fields: HashMap<String, String>,
    /// Files by field name: (file name, bytes). An empty file input is absent.
    files: HashMap<String, (String, Vec<u8>)>,
}

impl Upload {
    /// The file sent in field `name`, if one was chosen.
    pub fn file(&self, name: &str) -> Option<&(String, Vec<u8>)> {
        self.files.get(name)
    }

    /// The file sent in field `name` as (file name, bytes), or the field's "required" problem.
    pub fn required(&self, name: &str) -> Result<(&str, &[u8]), opres_app::AppError> {
        self.file(name)
            .map(|(file, bytes)| (file.as_str(), bytes.as_slice()))
            .ok_or_else(|| opres_app::AppError::invalid_field(name, Problem::Required))
    }
}

/// Reads the whole form; a body that is not multipart reads as "no file chosen".
pub(crate) async fn read_upload(mp: Result<Multipart, MultipartRejection>) -> Result<Upload, Problem> {
    let mut mp = mp.map_err(|_| Problem::Required)?;
    let mut up = Upload { fields: HashMap::new(), files: HashMap::new() };
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        Problem::FileTooLarge { max_bytes: crate::limits::UPLOAD_MAX as u64 }
                    } else {
                        Problem::BadFormat { value: e.body_text(), hint: "multipart/form-data" }
                    }
                })?;
                match file_name {
                    Some(f) => {
                        if !bytes.is_empty() {
                            up.files.insert(name, (f, bytes.to_vec()));
                        }
                    }
                    None => {
                        up.fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
            Ok(None) => return Ok(up),
            Err(e) => return Err(Problem::BadFormat { value: e.body_text(), hint: "multipart/form-data" }),
        }
    }
}
