//! The site's addresses, in one place so that links and routes agree.

use sitrep_core::Lang;

pub fn home(lang: Lang) -> String {
    format!("/{lang}/")
}

pub fn editions(lang: Lang, page: u32) -> String {
    paged(format!("/{lang}/editions/"), page)
}

pub fn edition(lang: Lang, number: i64) -> String {
    format!("/{lang}/editions/{number}/")
}

pub fn commentary(lang: Lang, slug: &str) -> String {
    format!("/{lang}/commentaries/{slug}/")
}

pub fn trends(lang: Lang) -> String {
    format!("/{lang}/trends/")
}

pub fn trend(lang: Lang, slug: &str, page: u32) -> String {
    paged(format!("/{lang}/trends/{slug}/"), page)
}

pub fn page(lang: Lang, slug: &str) -> String {
    format!("/{lang}/pages/{slug}/")
}

pub fn barometer(lang: Lang) -> String {
    format!("/{lang}/barometer")
}

pub fn forecasts(lang: Lang) -> String {
    format!("/{lang}/forecasts/")
}

pub fn forecast_set(lang: Lang, slug: &str) -> String {
    format!("/{lang}/forecasts/{slug}/")
}

pub fn track_record(lang: Lang) -> String {
    format!("/{lang}/track-record/")
}

pub fn request(lang: Lang) -> String {
    format!("/{lang}/request")
}

pub fn search(lang: Lang) -> String {
    format!("/{lang}/search")
}

fn paged(base: String, page: u32) -> String {
    if page <= 1 {
        base
    } else {
        format!("{base}?page={page}")
    }
}
