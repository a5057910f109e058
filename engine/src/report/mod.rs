//! Renderings of a scorecard: text for people, JSON for machines, SARIF for code-scanning
//! tools, Markdown for tickets. `launchready scan --format` picks one (docs/scan-output.md).

pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

#[cfg(test)]
mod fixture;
mod layout;

use super::model::Scorecard;
use std::fmt;
use std::str::FromStr;

/// An output format of `launchready scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
    Sarif,
}

impl Format {
    pub const ALL: [Format; 4] = [Self::Text, Self::Json, Self::Markdown, Self::Sarif];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Markdown => "markdown",
            Self::Sarif => "sarif",
        }
    }

    /// `text`, `json`, `markdown` (or `md`), `sarif`; any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            "markdown" | "md" => Some(Self::Markdown),
            "sarif" => Some(Self::Sarif),
            _ => None,
        }
    }

    /// Renders `scorecard`; `colour` (ANSI escapes) only matters for text.
    pub fn render(self, scorecard: &Scorecard, colour: bool) -> String {
        match self {
            Self::Text => text::render(scorecard, colour),
            Self::Json => json::render(scorecard),
            Self::Markdown => markdown::render(scorecard),
            Self::Sarif => sarif::render(scorecard),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text).ok_or_else(|| format!("\"{text}\" is not a format; use text, json, markdown or sarif"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_print_back() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.as_str()), Some(format));
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert_eq!(Format::parse(" JSON "), Some(Format::Json));
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
        assert_eq!(Format::parse("xml"), None);
        assert!("xml".parse::<Format>().unwrap_err().contains("text, json, markdown or sarif"));
        assert_eq!(Format::default(), Format::Text);
    }

    #[test]
    fn every_format_renders_the_fixture() {
        let card = fixture::scorecard();
        for format in Format::ALL {
            let out = format.render(&card, false);
            assert!(out.contains("example.com"), "{format}: {out}");
            assert!(out.ends_with('\n'), "{format} ends with a newline");
        }
    }
}
