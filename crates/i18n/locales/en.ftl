# UI strings of the public site, English.
lang-name = English
skip-to-content = Skip to content
nav-home = Home
nav-editions = Editions
nav-trends = Trends
nav-about = About
nav-projects = Projects
nav-main = Main menu
language-switcher = Read in another language
latest-edition = Latest edition
edition-number = Edition { $number }
view-all = View all
read-more = Read more
archive-title = All editions
trends-title = Trends
trend-label = Trend
edition-label = Edition
authors-label = { $count ->
    [one] Author
   *[other] Authors
}
published-on = Published { $date }
commentary-count = { $count ->
    [one] { $count } commentary
   *[other] { $count } commentaries
}
edition-count = { $count ->
    [one] { $count } edition
   *[other] { $count } editions
}
translation-missing = This text has not been translated into English yet. It is shown in { $shown ->
    [be] Belarusian
    [ru] Russian
    [en] English
   *[other] another language
}.
other-languages = Also available in
more-in-trend = More on { $trend }
recent-commentaries = Recent commentaries
no-commentaries = Nothing has been published here yet.
page-of = Page { $page } of { $pages }
page-newer = Newer
page-older = Older
pagination = Pages
footer-note = Weekly analysis. Subscribers receive each edition by email before it appears here.
not-found-title = Page not found
not-found-body = There is no page at this address. It may have moved, or it has not been published yet.
bad-request-title = This address cannot be answered
bad-page-number = The page number must be a whole number from 1 to { $max }.
bad-request-body = Something in the address is not valid: { $reason }
server-error-title = Something went wrong on our side
server-error-body = The page could not be shown. Please try again in a minute.
back-home = Go to the home page
text-language = { $lang ->
    [be] in Belarusian
    [ru] in Russian
    [en] in English
   *[other] in another language
}
unavailable-title = Back in a moment
unavailable-body = The site cannot reach its database just now. Please try again in a few seconds.
