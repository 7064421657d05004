//! Building view data from stored rows, in the reader's language.

use sitrep_core::{Lang, Paging, Timestamp};
use sitrep_i18n::Arg;
use sitrep_render::typography::typeset;
use sitrep_render::urls;
use sitrep_render::view::{
    Alternate, Chrome, CommentaryCard, EditionCard, LangLink, NavLink, Pager, TrendLink,
};
use sitrep_store::{Catalog, EditionRow, PageRow, Trend, VersionRow};

use crate::{AppState, PageError};

/// One request's view of the site: the reader's language and the lists
/// every page shows.
pub struct Ctx<'a> {
    pub app: &'a AppState,
    pub lang: Lang,
    pub catalog: std::sync::Arc<Catalog>,
    pub latest: Option<EditionRow>,
    pub pages: std::sync::Arc<Vec<PageRow>>,
    /// The moment the page is rendered as of.
    pub now: Timestamp,
    fallbacks: Vec<Lang>,
}

/// Which navigation entry a page belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section<'s> {
    Home,
    Editions,
    Trends,
    Barometer,
    Forecasts,
    Page(&'s str),
    None,
}

impl<'a> Ctx<'a> {
    pub async fn load(app: &'a AppState, lang: Lang, now: Timestamp) -> Result<Ctx<'a>, PageError> {
        let catalog = app.catalog().await?;
        let memo = app.memo(now).await?;
        Ok(Ctx {
            app,
            lang,
            catalog,
            latest: memo.latest.clone(),
            pages: memo.pages.clone(),
            now,
            fallbacks: app.fallback_order(),
        })
    }

    /// A context for the workspace: the catalog in the staff member's
    /// language, without the public site's lists.
    pub async fn desk(app: &'a AppState, lang: Lang, now: Timestamp) -> Result<Ctx<'a>, PageError> {
        Ok(Ctx {
            app,
            lang,
            catalog: app.catalog().await?,
            latest: None,
            pages: Default::default(),
            now,
            fallbacks: app.fallback_order(),
        })
    }

    /// A context that needs no database, for error pages when it is
    /// down: the catalog last loaded, if any, names the site.
    pub fn bare(app: &'a AppState, lang: Lang) -> Ctx<'a> {
        Ctx {
            app,
            lang,
            catalog: app.kept_catalog().unwrap_or_default(),
            latest: None,
            pages: Default::default(),
            now: app.now(),
            fallbacks: app.fallback_order(),
        }
    }

    pub fn t(&self, id: &str) -> String {
        self.app.i18n.t(self.lang, id)
    }

    pub fn t_args(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.app.i18n.t_args(self.lang, id, args)
    }

    fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.app.public_url, path)
    }

    /// The page frame. `path_in` gives this page's address in another
    /// language; `alternates` lists the languages the content exists in.
    pub fn chrome(
        &self,
        title: &str,
        description: &str,
        section: Section<'_>,
        path_in: &dyn Fn(Lang) -> String,
        alternates: &[Lang],
    ) -> Chrome {
        let text = |key: &str| self.catalog.text(key, self.lang, &self.fallbacks);
        let switcher = self
            .app
            .langs()
            .iter()
            .map(|&l| LangLink {
                lang: l.to_string(),
                name: self.app.i18n.endonym(l),
                href: path_in(l),
                current: l == self.lang,
            })
            .collect();
        let mut alts: Vec<Alternate> = alternates
            .iter()
            .map(|&l| Alternate {
                hreflang: l.to_string(),
                href: self.absolute(&path_in(l)),
            })
            .collect();
        if alternates.contains(&self.app.default_lang()) && alternates.len() > 1 {
            alts.push(Alternate {
                hreflang: "x-default".into(),
                href: self.absolute(&path_in(self.app.default_lang())),
            });
        }
        let mut nav = vec![
            NavLink {
                label: self.t("nav-home"),
                href: urls::home(self.lang),
                current: section == Section::Home,
            },
            NavLink {
                label: self.t("nav-editions"),
                href: urls::editions(self.lang, 1),
                current: section == Section::Editions,
            },
            NavLink {
                label: self.t("nav-trends"),
                href: urls::trends(self.lang),
                current: section == Section::Trends,
            },
            NavLink {
                label: self.t("nav-barometer"),
                href: urls::barometer(self.lang),
                current: section == Section::Barometer,
            },
            NavLink {
                label: self.t("nav-forecasts"),
                href: urls::forecasts(self.lang),
                current: section == Section::Forecasts,
            },
        ];
        for page in self.pick_pages(&self.pages) {
            nav.push(NavLink {
                label: page.0.title.clone(),
                href: urls::page(self.lang, &page.0.slug),
                current: section == Section::Page(&page.0.slug),
            });
        }
        Chrome {
            media: sitrep_render::MediaSizes(self.catalog.media.clone()),
            lang: self.lang.to_string(),
            site_name: text("name"),
            tagline: text("tagline"),
            publisher: text("publisher"),
            css_href: self.app.css_href.clone(),
            icon_href: self.app.icon_href.clone(),
            title: title.to_owned(),
            description: description.to_owned(),
            canonical: self.absolute(&path_in(self.lang)),
            switcher,
            alternates: alts,
            nav,
            latest: self.latest.as_ref().map(|e| self.edition_card(e)),
            archive_href: urls::editions(self.lang, 1),
            noindex: false,
            feeds: crate::discovery::feed_links(self.lang, None, &text("name")),
            og_type: "website".into(),
            og_locale: og_locale(self.lang),
            og_locale_alternates: alternates
                .iter()
                .filter(|l| **l != self.lang)
                .map(|l| og_locale(*l))
                .collect(),
            published: String::new(),
            section: String::new(),
            json_ld: String::new(),
            mirror: crate::mirror::active(),
            live_url: self.app.public_url.clone(),
        }
    }

    /// The site as a schema.org publisher.
    pub fn publisher_ld(&self) -> serde_json::Value {
        serde_json::json!({
            "@type": "Organization",
            "name": self.catalog.text("publisher", self.lang, &self.fallbacks),
        })
    }

    /// An absolute address (relative when the site's public address is not
    /// configured).
    pub fn url(&self, path: &str) -> String {
        self.absolute(path)
    }

    pub fn edition_card(&self, e: &EditionRow) -> EditionCard {
        EditionCard {
            number: e.number,
            label: self.t_args("edition-number", &[("number", e.number.into())]),
            range: self.range(&e.week_start, &e.week_end),
            href: urls::edition(self.lang, e.number),
            count: self.t_args("commentary-count", &[("count", e.commentaries.into())]),
        }
    }

    pub fn range(&self, start: &str, end: &str) -> String {
        let (Ok(a), Ok(b)) = (start.parse(), end.parse()) else {
            return format!("{start} – {end}");
        };
        match self.app.i18n.dates(self.lang) {
            Some(d) => d.range(a, b),
            None => format!("{start} – {end}"),
        }
    }

    pub fn date(&self, ts: Timestamp) -> String {
        let Ok(t) = jiff::Timestamp::from_second(ts) else {
            return String::new();
        };
        let day = t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        match self.app.i18n.dates(self.lang) {
            Some(d) => d.date(day),
            None => day.to_string(),
        }
    }

    /// A name from a per-language map, in the reader's language or the best fallback.
    pub fn pick_name<'m, T>(&self, names: &'m std::collections::HashMap<Lang, T>) -> Option<&'m T> {
        self.pick_with_lang(names).map(|(_, v)| v)
    }

    /// Like [`Ctx::pick_name`], with the language picked.
    pub fn pick_with_lang<'m, T>(
        &self,
        names: &'m std::collections::HashMap<Lang, T>,
    ) -> Option<(Lang, &'m T)> {
        std::iter::once(&self.lang)
            .chain(&self.fallbacks)
            .find_map(|l| names.get(l).map(|v| (*l, v)))
    }

    pub fn trend_link(&self, t: &Trend, count: Option<u64>) -> TrendLink {
        let (name, description) = self
            .pick_name(&t.names)
            .cloned()
            .unwrap_or_else(|| (t.slug.clone(), String::new()));
        TrendLink {
            slug: t.slug.clone(),
            name,
            description,
            href: urls::trend(self.lang, &t.slug, 1),
            count: count
                .map(|n| self.t_args("commentary-count", &[("count", (n as i64).into())]))
                .unwrap_or_default(),
        }
    }

    /// A list entry for one commentary version; `fallback` when it is not
    /// in the reader's language.
    pub fn card(&self, v: &VersionRow, fallback: bool, with_edition: bool) -> CommentaryCard {
        let assessment = self.catalog.assessment(v.assessment_id);
        CommentaryCard {
            title: typeset(v.lang, &v.title).into_owned(),
            lead: typeset(v.lang, &v.lead).into_owned(),
            href: urls::commentary(self.lang, &v.slug),
            assessment: assessment
                .and_then(|a| self.pick_name(&a.labels).cloned())
                .unwrap_or_default(),
            assessment_tone: sitrep_render::charts::tone_class(assessment.map_or(0, |a| a.tone))
                .into(),
            trend: self
                .catalog
                .trend(v.trend_id)
                .map(|t| self.trend_link(t, None)),
            lang: v.lang.to_string(),
            fallback,
            date: self.date(v.published_at),
            edition: with_edition.then(|| EditionCard {
                number: v.edition_number,
                label: self.t_args("edition-number", &[("number", v.edition_number.into())]),
                range: self.range(&v.week_start, &v.week_end),
                href: urls::edition(self.lang, v.edition_number),
                count: String::new(),
            }),
        }
    }

    /// The best version of `versions` (all of one item) for the reader:
    /// theirs if it exists, else the first fallback language that has one.
    pub fn best<'v, T>(
        &self,
        versions: &[&'v T],
        lang_of: impl Fn(&T) -> Lang,
    ) -> Option<(&'v T, bool)> {
        std::iter::once(&self.lang)
            .chain(&self.fallbacks)
            .find_map(|l| versions.iter().find(|v| lang_of(v) == *l))
            .or_else(|| versions.first())
            .map(|v| (*v, lang_of(v) != self.lang))
    }

    /// Groups the versions of many commentaries (in list order) and picks
    /// one version of each for the reader.
    pub fn pick_versions<'v>(&self, rows: &'v [VersionRow]) -> Vec<(&'v VersionRow, bool)> {
        group_by(rows, |v| v.commentary_id)
            .into_iter()
            .filter_map(|group| self.best(&group, |v| v.lang))
            .collect()
    }

    /// Static pages in nav order, one version each.
    pub fn pick_pages<'v>(&self, rows: &'v [PageRow]) -> Vec<(&'v PageRow, bool)> {
        group_by(rows, |p| p.slug.clone())
            .into_iter()
            .filter_map(|group| self.best(&group, |p| p.lang))
            .collect()
    }

    pub fn pager(&self, paging: &Paging, href: impl Fn(u32) -> String) -> Pager {
        Pager {
            label: self.t_args(
                "page-of",
                &[
                    ("page", i64::from(paging.page).into()),
                    ("pages", i64::from(paging.pages).into()),
                ],
            ),
            newer: paging.prev().map(&href),
            older: paging.next().map(&href),
        }
    }
}

/// OpenGraph's locale for a language: `ll_TT` where the language has an
/// obvious home territory, else the language alone.
pub fn og_locale(lang: Lang) -> String {
    let code = lang.as_str();
    let territory = match code {
        "be" => "BY",
        "ru" => "RU",
        "uk" => "UA",
        "en" => "GB",
        "pl" => "PL",
        "lt" => "LT",
        "lv" => "LV",
        "et" => "EE",
        "de" => "DE",
        "fr" => "FR",
        "ka" => "GE",
        _ => return code.replace('-', "_"),
    };
    format!("{code}_{territory}")
}

/// JSON-LD as it may stand inside `<script>`: `<`, `>` and `&` escaped the
/// JSON way, so no text can close the element.
pub fn json_ld(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// RFC 3339 for structured data.
pub fn rfc3339(t: Timestamp) -> String {
    jiff::Timestamp::from_second(t)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Groups consecutive-or-not rows by key, keeping first-seen order.
fn group_by<T, K: PartialEq>(rows: &[T], key: impl Fn(&T) -> K) -> Vec<Vec<&T>> {
    let mut groups: Vec<(K, Vec<&T>)> = Vec::new();
    for row in rows {
        let k = key(row);
        match groups.iter_mut().find(|(gk, _)| *gk == k) {
            Some((_, g)) => g.push(row),
            None => groups.push((k, vec![row])),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}
