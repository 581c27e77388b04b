//! Site-wide settings from `site.yml` at the root of the content tree.

use serde::Deserialize;

use super::ContentError;

/// The name of the settings file in the content root.
pub const SETTINGS_FILE: &str = "site.yml";

/// Site-wide settings: who runs the portal and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// The chamber's name, e.g. "Handwerkskammer Musterstadt".
    pub name: String,
    /// The portal's name, shown beside the chamber's.
    #[serde(default = "default_title")]
    pub title: String,
    /// One line under the name on the start page.
    #[serde(default)]
    pub tagline: Option<String>,
    /// Contact phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Contact e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<String>,
    /// The site-wide banner (incident notice); `--notice` overrides it.
    #[serde(default)]
    pub banner: Option<String>,
    /// Where the banner links to, e.g. a notice.
    #[serde(default)]
    pub banner_link: Option<String>,
}

fn default_title() -> String {
    "Ausbildungsportal".to_owned()
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            name: "werkbank".to_owned(),
            title: default_title(),
            tagline: None,
            phone: None,
            email: None,
            address: None,
            banner: None,
            banner_link: None,
        }
    }
}

impl SiteSettings {
    /// Parses `site.yml`.
    pub fn parse(yaml: &str) -> Result<SiteSettings, ContentError> {
        let mut settings: SiteSettings = serde_saphyr::from_str(yaml).map_err(|error| {
            let line = error.location().map(|l| l.line() as usize).unwrap_or(1);
            let text = error.without_snippet().to_string();
            let text = text
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            ContentError::new(
                SETTINGS_FILE,
                line,
                format!("ungültige Einstellungen: {text}"),
            )
        })?;
        for field in [
            &mut settings.banner,
            &mut settings.tagline,
            &mut settings.banner_link,
        ] {
            if field.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *field = None;
            }
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_settings_and_rejects_unknown_keys() {
        let s = SiteSettings::parse("name: HWK Test\nbanner: Störung\n").unwrap();
        assert_eq!(s.name, "HWK Test");
        assert_eq!(s.title, "Ausbildungsportal");
        assert_eq!(s.banner.as_deref(), Some("Störung"));
        let e = SiteSettings::parse("name: A\nfarbe: rot\n").unwrap_err();
        assert!(e.to_string().starts_with("site.yml:2: "), "{e}");
    }
}
