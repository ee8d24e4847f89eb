//! CSV cells to the JSON values the records API takes, by the field's type:
//! an empty cell is null, NUMBER and BOOLEAN are parsed, MANY_TO_MANY is ids
//! joined by `;`, everything else is the text itself. The columns an export
//! writes beside the fields (`id`, `created_at`, `updated_at`) are ignored.

use kasar_domain::{FieldType, ObjectDef};
use serde_json::{Map, Value as Json};

/// Columns of an export that an import ignores.
pub(crate) const IGNORED: [&str; 3] = ["id", "created_at", "updated_at"];

/// One row as a record's fields, or why a cell does not convert. A column
/// that names no field is passed as text (the record then fails validation
/// as a JSON record naming that field would).
pub(crate) fn row_to_fields(
    object: &ObjectDef,
    header: &[String],
    row: &[String],
) -> Result<Map<String, Json>, String> {
    if row.len() != header.len() {
        return Err(format!(
            "the row has {} cells, the header {}",
            row.len(),
            header.len()
        ));
    }
    let mut map = Map::new();
    for (name, cell) in header.iter().zip(row) {
        if IGNORED.contains(&name.as_str()) {
            continue;
        }
        let field_type = object.field(name).map(|f| f.field_type);
        map.insert(name.clone(), cell_value(name, field_type, cell)?);
    }
    Ok(map)
}

/// The JSON value of one cell.
fn cell_value(name: &str, field_type: Option<FieldType>, cell: &str) -> Result<Json, String> {
    if cell.is_empty() {
        return Ok(Json::Null);
    }
    match field_type {
        Some(FieldType::Number) => cell
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(|n| serde_json::Number::from_f64(n).map(Json::Number))
            .ok_or_else(|| format!("field '{name}': '{}' is not a number", short(cell))),
        Some(FieldType::Boolean) => match cell.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Json::Bool(true)),
            "false" => Ok(Json::Bool(false)),
            _ => Err(format!(
                "field '{name}': '{}' is not true or false",
                short(cell)
            )),
        },
        Some(FieldType::ManyToMany) => Ok(Json::Array(
            cell.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Json::String(s.to_owned()))
                .collect(),
        )),
        _ => Ok(Json::String(cell.to_owned())),
    }
}

/// A cell shortened for a message.
fn short(cell: &str) -> String {
    kasar_domain::id::shorten(cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn contacts() -> ObjectDef {
        crate::test_support::standard("contacts")
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn cells_convert_by_type_and_export_columns_are_ignored() {
        let object = contacts();
        let header = strings(&["id", "first_name", "email", "tags", "created_at"]);
        let row = strings(&["x", "Ann", "", "a; b;", "2020"]);
        let map = row_to_fields(&object, &header, &row).unwrap();
        assert_eq!(
            Json::Object(map),
            json!({"first_name": "Ann", "email": null, "tags": ["a", "b"]})
        );
        assert!(row_to_fields(&object, &header, &strings(&["1"])).is_err());
    }

    #[test]
    fn numbers_and_booleans_are_parsed_or_fail_the_row() {
        assert_eq!(
            cell_value("n", Some(FieldType::Number), " 12.5").unwrap(),
            json!(12.5)
        );
        assert!(cell_value("n", Some(FieldType::Number), "twelve").is_err());
        assert!(cell_value("n", Some(FieldType::Number), "NaN").is_err());
        assert_eq!(
            cell_value("b", Some(FieldType::Boolean), "TRUE").unwrap(),
            json!(true)
        );
        assert!(cell_value("b", Some(FieldType::Boolean), "yes").is_err());
        assert_eq!(cell_value("x", None, "text").unwrap(), json!("text"));
    }
}
