//! How fast each language's analyzer turns text into terms (the cost that
//! indexing and search passages pay per word):
//!
//!     cargo run --release -p sitrep-search --example analyzer_speed
//!
//! Figures are per term on this machine; compare the languages with each
//! other rather than with other machines.

fn main() {
    let samples = [
        (
            "be",
            "Урад абмеркаваў новыя санкцыі і мытныя правілы на ўсходняй мяжы; эканоміка краіны пагоршылася. ",
        ),
        (
            "ru",
            "Правительство обсуждало новые санкции и таможенные правила на восточной границе; экономика страны ухудшилась. ",
        ),
        (
            "en",
            "The government discussed new sanctions and customs rules on the eastern border; the economy deteriorated. ",
        ),
    ];
    for (lang, sentence) in samples {
        let text = sentence.repeat(1_000);
        // Once to warm up, once measured.
        let _ = sitrep_search::terms(lang, &text);
        let started = std::time::Instant::now();
        let n = sitrep_search::terms(lang, &text).len();
        let took = started.elapsed();
        println!(
            "{lang}: {n} terms in {took:?}, {:.0} ns a term",
            took.as_nanos() as f64 / n as f64
        );
    }
}
