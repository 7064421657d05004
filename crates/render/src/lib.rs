//! Turning content into bytes: Markdown, HTML templates, the stylesheet.
//!
//! Architecture invariant: render does no I/O and reads no clock. The same
//! view data always renders the same bytes, so pages can be cached,
//! mirrored as static files and served by any node.

pub mod charts;
pub mod feeds;
#[doc(hidden)]
pub mod fuzzing;
pub mod markdown;
pub mod typography;
pub mod urls;
pub mod view;

use std::sync::Arc;

use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{Environment, Error, ErrorKind, State};
use serde::Serialize;
use sitrep_core::Lang;
use sitrep_i18n::{Arg, I18n};

/// The stylesheet every page links to.
pub const CSS: &str = concat!(
    include_str!("../static/site.css"),
    include_str!("../static/charts.css")
);

/// The workspace's stylesheet.
pub const WORKSPACE_CSS: &str = concat!(
    include_str!("../static/workspace.css"),
    include_str!("../static/charts.css")
);

/// The site icon (a small bar chart), so browsers need not ask for /favicon.ico.
pub const ICON: &str = include_str!("../static/icon.svg");

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("charts.html", include_str!("../templates/charts.html")),
    (
        "barometer.html",
        include_str!("../templates/barometer.html"),
    ),
    (
        "forecasts.html",
        include_str!("../templates/forecasts.html"),
    ),
    (
        "forecast_set.html",
        include_str!("../templates/forecast_set.html"),
    ),
    (
        "track_record.html",
        include_str!("../templates/track_record.html"),
    ),
    ("home.html", include_str!("../templates/home.html")),
    ("archive.html", include_str!("../templates/archive.html")),
    ("edition.html", include_str!("../templates/edition.html")),
    (
        "commentary.html",
        include_str!("../templates/commentary.html"),
    ),
    ("trends.html", include_str!("../templates/trends.html")),
    ("trend.html", include_str!("../templates/trend.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("error.html", include_str!("../templates/error.html")),
    (
        "commentary_article.html",
        include_str!("../templates/commentary_article.html"),
    ),
    ("ws_base.html", include_str!("../templates/ws_base.html")),
    (
        "ws_barometer.html",
        include_str!("../templates/ws_barometer.html"),
    ),
    ("request.html", include_str!("../templates/request.html")),
    ("ws_scale.html", include_str!("../templates/ws_scale.html")),
    (
        "ws_requests.html",
        include_str!("../templates/ws_requests.html"),
    ),
    (
        "ws_request.html",
        include_str!("../templates/ws_request.html"),
    ),
    (
        "ws_forecasts.html",
        include_str!("../templates/ws_forecasts.html"),
    ),
    (
        "ws_forecast_set.html",
        include_str!("../templates/ws_forecast_set.html"),
    ),
    (
        "ws_fields.html",
        include_str!("../templates/ws_fields.html"),
    ),
    (
        "ws_message.html",
        include_str!("../templates/ws_message.html"),
    ),
    ("ws_login.html", include_str!("../templates/ws_login.html")),
    (
        "ws_dashboard.html",
        include_str!("../templates/ws_dashboard.html"),
    ),
    ("ws_new.html", include_str!("../templates/ws_new.html")),
    ("ws_edit.html", include_str!("../templates/ws_edit.html")),
    (
        "ws_history.html",
        include_str!("../templates/ws_history.html"),
    ),
    (
        "ws_account.html",
        include_str!("../templates/ws_account.html"),
    ),
    ("ws_staff.html", include_str!("../templates/ws_staff.html")),
    ("ws_api.html", include_str!("../templates/ws_api.html")),
    ("ws_audit.html", include_str!("../templates/ws_audit.html")),
    (
        "ws_editions.html",
        include_str!("../templates/ws_editions.html"),
    ),
    ("ws_code.html", include_str!("../templates/ws_code.html")),
    ("ws_lists.html", include_str!("../templates/ws_lists.html")),
    ("ws_pages.html", include_str!("../templates/ws_pages.html")),
    ("ws_page.html", include_str!("../templates/ws_page.html")),
    (
        "ws_uploaded.html",
        include_str!("../templates/ws_uploaded.html"),
    ),
    (
        "ws_languages.html",
        include_str!("../templates/ws_languages.html"),
    ),
    (
        "ws_edition.html",
        include_str!("../templates/ws_edition.html"),
    ),
    (
        "subscribe.html",
        include_str!("../templates/subscribe.html"),
    ),
    (
        "email_notice.txt",
        include_str!("../templates/email_notice.txt"),
    ),
    (
        "email_style.html",
        include_str!("../templates/email_style.html"),
    ),
    (
        "email_notice.html",
        include_str!("../templates/email_notice.html"),
    ),
    (
        "ws_outbox.html",
        include_str!("../templates/ws_outbox.html"),
    ),
    (
        "ws_message_view.html",
        include_str!("../templates/ws_message_view.html"),
    ),
    (
        "email_edition.html",
        include_str!("../templates/email_edition.html"),
    ),
    (
        "email_edition.txt",
        include_str!("../templates/email_edition.txt"),
    ),
    ("ws_send.html", include_str!("../templates/ws_send.html")),
    (
        "ws_subscribers.html",
        include_str!("../templates/ws_subscribers.html"),
    ),
];

#[derive(Debug, thiserror::Error)]
#[error("template {template}: {source}")]
pub struct RenderError {
    template: String,
    #[source]
    source: Error,
}

/// The template set, ready to render any page in any language.
pub struct Renderer {
    env: Environment<'static>,
}

/// Pixel sizes of images by file name (as under `/media/`).
#[derive(Debug, Clone, Default)]
pub struct MediaSizes(pub Arc<std::collections::HashMap<String, (u32, u32)>>);

impl minijinja::value::Object for MediaSizes {}

/// An operator's changes to the look of the site, read from a folder at
/// start: templates that replace the built-in ones of the same name (or
/// that those include), and a stylesheet that replaces the public one.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// (file name, source), e.g. `("base.html", "<!doctype html>…")`.
    pub templates: Vec<(String, String)>,
    /// The public stylesheet, whole (the built-in one is [`CSS`]).
    pub stylesheet: Option<String>,
}

impl Theme {
    /// What the theme changes, in a few words ("3 templates and the
    /// stylesheet").
    pub fn summary(&self) -> String {
        let n = self.templates.len();
        let templates = format!("{n} template{}", if n == 1 { "" } else { "s" });
        match self.stylesheet {
            Some(_) => format!("{templates} and the stylesheet"),
            None => templates,
        }
    }
}

/// The built-in templates, by file name: what `sitrep theme init` writes
/// out for an operator to start a theme from.
pub fn builtin_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    TEMPLATES.iter().copied()
}

impl Renderer {
    pub fn new(i18n: Arc<I18n>) -> Result<Renderer, RenderError> {
        Renderer::themed(i18n, &Theme::default())
    }

    /// The renderer with `theme`'s templates in place of the built-in ones
    /// of the same names. A template that does not parse is an error
    /// naming it.
    pub fn themed(i18n: Arc<I18n>, theme: &Theme) -> Result<Renderer, RenderError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|source| RenderError {
                    template: (*name).to_owned(),
                    source,
                })?;
        }
        for (name, source) in &theme.templates {
            env.add_template_owned(name.clone(), source.clone())
                .map_err(|source| RenderError {
                    template: name.clone(),
                    source,
                })?;
        }
        env.set_formatter(html_formatter);
        env.add_function("t", move |state: &State, id: &str, kwargs: Kwargs| {
            translate(&i18n, state, id, kwargs)
        });
        // `body|markdown(lang)`: with the typography of the text's
        // language, and each site image with its size where the page knows
        // the sizes (`media`).
        env.add_filter("markdown", |state: &State, md: &str, lang: Option<&str>| {
            let html = match lang.map(Lang::parse) {
                Some(Ok(lang)) => markdown::to_html_in(md, lang),
                _ => markdown::to_html(md),
            };
            let media = state.lookup("media");
            let sized = markdown::size_images(&html, |name| {
                let m = media.as_ref()?.downcast_object_ref::<MediaSizes>()?;
                m.0.get(name).copied()
            });
            Value::from_safe_string(sized)
        });
        Ok(Renderer { env })
    }

    /// Renders template `name` with the page frame and the page's own data.
    pub fn render<P: Serialize>(
        &self,
        name: &str,
        chrome: &view::Chrome,
        page: &P,
    ) -> Result<String, RenderError> {
        let err = |source| RenderError {
            template: name.to_owned(),
            source,
        };
        let template = self.env.get_template(name).map_err(err)?;
        template
            .render(minijinja::context! {
                lang => chrome.lang.as_str(),
                media => Value::from_object(chrome.media.clone()),
                chrome => Value::from(Serde(chrome)),
                page => Value::from(Serde(page)),
            })
            .map_err(err)
    }
}

/// Escapes `& < > " '` in HTML templates and leaves `/` alone, so that
/// links read as written (minijinja's default also escapes the slash).
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut State,
    value: &Value,
) -> Result<(), Error> {
    match value.as_str() {
        Some(s) if !value.is_safe() && *state.auto_escape() == minijinja::AutoEscape::Html => {
            markdown::escape_into(out, s).map_err(Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

impl Renderer {
    /// Renders template `name` in `lang` with `ctx` as its top-level
    /// variables (the workspace's pages, which have their own frame).
    pub fn render_page<C: Serialize>(
        &self,
        name: &str,
        lang: Lang,
        ctx: &C,
    ) -> Result<String, RenderError> {
        let err = |source| RenderError {
            template: name.to_owned(),
            source,
        };
        let template = self.env.get_template(name).map_err(err)?;
        template
            .render(minijinja::context! { lang => lang.as_str(), ..Value::from(Serde(ctx)) })
            .map_err(err)
    }
}

/// `t("id", name=value, ...)`: a UI string in the page's language.
fn translate(i18n: &I18n, state: &State, id: &str, kwargs: Kwargs) -> Result<String, Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(|s| Lang::parse(s).ok()))
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "t() needs `lang`"))?;
    let mut owned: Vec<(String, Value)> = Vec::new();
    for key in kwargs.args() {
        owned.push((key.to_owned(), kwargs.get::<Value>(key)?));
    }
    let args: Vec<(&str, Arg<'_>)> = owned
        .iter()
        .map(|(k, v)| {
            let arg = match i64::try_from(v.clone()) {
                Ok(n) if v.is_number() => Arg::Num(n),
                _ => Arg::Str(v.as_str().unwrap_or_default()),
            };
            (k.as_str(), arg)
        })
        .collect();
    Ok(i18n.t_args(lang, id, &args))
}

#[cfg(test)]
mod tests {
    /// Every template file is registered (an unregistered one fails only
    /// when a page first needs it).
    #[test]
    fn every_template_file_is_registered() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                super::TEMPLATES.iter().any(|(n, _)| *n == name),
                "{name} is not in TEMPLATES"
            );
        }
    }
}
