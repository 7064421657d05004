//! Short emails to one person (a confirmation link, an acknowledgement, an
//! analyst's reply, a note to the editors), in one language, through the
//! site's mailer: the relay, or the outbox when there is none.

use serde_json::json;
use sitrep_core::{Lang, Timestamp};

use crate::{AppState, PageError};

pub(crate) struct Notice<'a> {
    pub to: &'a str,
    pub lang: Lang,
    pub subject: &'a str,
    /// The text, a paragraph each.
    pub paragraphs: &'a [String],
    /// A button: (its label, the address it opens).
    pub link: Option<(&'a str, &'a str)>,
}

/// The site's name in `lang`, for subjects and letterheads.
pub(crate) async fn site_name(app: &AppState, lang: Lang) -> Result<String, PageError> {
    let catalog = app.catalog().await?;
    Ok(catalog.text("name", lang, &app.fallback_order()))
}

pub(crate) async fn send(app: &AppState, n: &Notice<'_>, now: Timestamp) -> Result<(), PageError> {
    let site = site_name(app, n.lang).await?;
    let (button, link) = n.link.unwrap_or(("", ""));
    let ctx = json!({"site": site, "paragraphs": n.paragraphs, "link": link, "button": button});
    let text = app.renderer.render_page("email_notice.txt", n.lang, &ctx)?;
    let html = app
        .renderer
        .render_page("email_notice.html", n.lang, &ctx)?;
    let out = sitrep_mail::Outgoing {
        to: n.to,
        subject: n.subject,
        content: sitrep_mail::Content::Fresh { text, html },
        headers: Vec::new(),
    };
    app.mailer
        .send(&out, now)
        .await
        .map_err(|e| PageError::BadRequest(e.to_string()))
}
