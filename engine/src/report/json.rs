//! The scorecard as JSON: the shape of `model::Scorecard`, documented in docs/scan-output.md
//! and docs/scan-output.schema.json.

use crate::model::Scorecard;

pub fn render(card: &Scorecard) -> String {
    // Every field is a plain string, number, bool or list of them: serialising cannot fail.
    let mut out = serde_json::to_string_pretty(card).expect("a scorecard serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use serde_json::Value;

    const SCHEMA: &str = include_str!("../../../docs/scan-output.schema.json");

    fn schema() -> Value {
        serde_json::from_str(SCHEMA).expect("docs/scan-output.schema.json is JSON")
    }

    fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("only local $refs: {reference}"));
                root.pointer(pointer).unwrap_or_else(|| panic!("{reference} points nowhere"))
            }
            None => schema,
        }
    }

    fn type_matches(name: &str, value: &Value) -> bool {
        match name {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_u64() || value.is_i64(),
            "number" => value.is_number(),
            "null" => value.is_null(),
            other => panic!("unknown type {other}"),
        }
    }

    /// A small subset of JSON Schema, enough for this file: $ref, anyOf, type, enum, const, minimum,
    /// maximum, pattern, required, properties and items. Also demands that every field the document
    /// carries is described (so the schema cannot fall behind the model).
    fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = resolve(root, schema);
        if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
            let fits = options.iter().any(|option| {
                let mut found = Vec::new();
                validate(root, option, value, at, &mut found);
                found.is_empty()
            });
            if !fits {
                errors.push(format!("{at}: {value} matches none of anyOf"));
            }
        }
        if let Some(t) = schema.get("type") {
            let ok = match t {
                Value::String(name) => type_matches(name, value),
                Value::Array(names) => names.iter().any(|n| type_matches(n.as_str().unwrap(), value)),
                _ => panic!("bad type at {at}"),
            };
            if !ok {
                errors.push(format!("{at}: {value} is not of type {t}"));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !options.contains(value) {
                errors.push(format!("{at}: {value} is not one of {options:?}"));
            }
        }
        if let Some(expected) = schema.get("const") {
            if expected != value {
                errors.push(format!("{at}: {value} is not {expected}"));
            }
        }
        if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), value.as_f64()) {
            if n < min {
                errors.push(format!("{at}: {n} < {min}"));
            }
        }
        if let (Some(max), Some(n)) = (schema.get("maximum").and_then(Value::as_f64), value.as_f64()) {
            if n > max {
                errors.push(format!("{at}: {n} > {max}"));
            }
        }
        if let (Some(pattern), Some(text)) = (schema.get("pattern").and_then(Value::as_str), value.as_str()) {
            if !regex::Regex::new(pattern).expect("a valid pattern").is_match(text) {
                errors.push(format!("{at}: {text:?} does not match {pattern}"));
            }
        }
        if let Some(object) = value.as_object() {
            let properties = schema.get("properties").and_then(Value::as_object);
            for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let name = required.as_str().unwrap();
                if !object.contains_key(name) {
                    errors.push(format!("{at}: required field {name} is missing"));
                }
            }
            for (name, field) in object {
                match properties.and_then(|p| p.get(name)) {
                    Some(sub) => validate(root, sub, field, &format!("{at}.{name}"), errors),
                    None => errors.push(format!("{at}.{name} is not described in the schema")),
                }
            }
        }
        if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
            for (i, item) in array.iter().enumerate() {
                validate(root, items, item, &format!("{at}[{i}]"), errors);
            }
        }
    }

    #[test]
    fn output_is_the_pretty_scorecard_and_reads_back() {
        let card = fixture::scorecard();
        let out = render(&card);
        assert!(out.starts_with("{\n  \"schema_version\": 2,"), "{out}");
        let back: crate::Scorecard = serde_json::from_str(&out).unwrap();
        assert_eq!(back, card);
    }

    #[test]
    fn schema_is_draft_2020_12_and_names_the_contract_fields() {
        let schema = schema();
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for field in ["target", "score", "grade", "decision", "duration_ms", "checks"] {
            assert!(required.contains(&field), "{field} is required by the issue's contract");
        }
        let finding = resolve(&schema, &schema["properties"]["checks"]["items"]);
        let required: Vec<&str> = finding["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for field in ["id", "category", "severity", "status", "summary", "evidence", "points"] {
            assert!(required.contains(&field), "checks[].{field} is required by the issue's contract");
        }
    }

    #[test]
    fn every_required_field_is_present_and_valid() {
        let schema = schema();
        let value: Value = serde_json::from_str(&render(&fixture::scorecard())).unwrap();
        for required in schema["required"].as_array().unwrap() {
            assert!(value.get(required.as_str().unwrap()).is_some(), "{required} missing");
        }
        let mut errors = Vec::new();
        validate(&schema, &schema, &value, "$", &mut errors);
        assert!(errors.is_empty(), "the scorecard does not match the schema:\n{}", errors.join("\n"));
    }

    #[test]
    fn every_grade_decision_status_and_category_matches_the_schema() {
        use crate::model::{Category, Decision, Grade, Severity, Status};
        let schema = schema();
        let mut card = fixture::scorecard();
        let template = card.checks[0].clone();
        for (i, category) in Category::ALL.into_iter().enumerate() {
            for (j, status) in [Status::Pass, Status::Warn, Status::Fail, Status::Error, Status::Skipped].into_iter().enumerate() {
                let severity = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low][(i + j) % 4];
                card.checks.push(crate::model::Finding { category, status, severity, ..template.clone() });
            }
        }
        for grade in [Grade::APlus, Grade::A, Grade::B, Grade::C, Grade::D, Grade::F] {
            for decision in [Decision::Go, Decision::GoAfterFixes, Decision::Hold] {
                card.grade = Some(grade);
                card.decision = decision;
                let value = serde_json::to_value(&card).unwrap();
                let mut errors = Vec::new();
                validate(&schema, &schema, &value, "$", &mut errors);
                assert!(errors.is_empty(), "{}", errors.join("\n"));
            }
        }
    }

    #[test]
    fn an_unscored_scorecard_with_causes_matches_the_schema() {
        let schema = schema();
        let value = serde_json::to_value(fixture::unreachable()).unwrap();
        assert_eq!((&value["score"], &value["grade"]), (&Value::Null, &Value::Null));
        assert_eq!(value["causes"][0]["kind"], "https_unreachable");
        assert_eq!(value["checks"][1]["cause"], "https_unreachable");
        let mut errors = Vec::new();
        validate(&schema, &schema, &value, "$", &mut errors);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    #[test]
    fn the_example_in_the_documentation_matches_the_schema() {
        let doc = include_str!("../../../docs/scan-output.md");
        let start = doc.find("```json\n").expect("docs/scan-output.md has a JSON example") + "```json\n".len();
        let end = start + doc[start..].find("```").unwrap();
        let example: Value = serde_json::from_str(&doc[start..end]).expect("the example is JSON");
        let schema = schema();
        let mut errors = Vec::new();
        validate(&schema, &schema, &example, "$", &mut errors);
        assert!(errors.is_empty(), "docs/scan-output.md's example:\n{}", errors.join("\n"));
        let _: crate::Scorecard = serde_json::from_value(example).expect("the example reads as a Scorecard");
    }

    #[test]
    fn every_catalog_id_matches_the_schema_pattern() {
        let schema = schema();
        let pattern = regex::Regex::new(schema["$defs"]["finding"]["properties"]["id"]["pattern"].as_str().unwrap()).unwrap();
        for spec in &crate::catalog::catalog().checks {
            assert!(pattern.is_match(&spec.id), "{} does not match the schema's id pattern", spec.id);
        }
    }

    #[test]
    fn the_validator_notices_mistakes() {
        let schema = schema();
        let mut value: Value = serde_json::from_str(&render(&fixture::scorecard())).unwrap();
        value["grade"] = "E".into();
        value["checks"][0]["status"] = "ok".into();
        value.as_object_mut().unwrap().remove("decision");
        value["surprise"] = true.into();
        value["checks"][1]["id"] = "Not An Id".into();
        let mut errors = Vec::new();
        validate(&schema, &schema, &value, "$", &mut errors);
        let all = errors.join("\n");
        for needle in ["$.grade", "$.checks[0].status", "decision is missing", "$.surprise", "$.checks[1].id"] {
            assert!(all.contains(needle), "{needle} not reported in:\n{all}");
        }
    }
}
