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

## The workspace

ws-name = Workspace
ws-nav-dashboard = This week
ws-nav-new = New commentary
ws-nav-staff = Staff
ws-nav-audit = Audit log
ws-nav-account = My account
ws-logout = Sign out
ws-logout-everywhere = Sign out on every device
ws-role-admin = administrator
ws-role-editor = editor
ws-role-author = author
ws-role-translator = translator
ws-status-draft = draft
ws-status-review = in review
ws-status-approved = approved
ws-status-published = published
ws-status-missing = missing
ws-status-scheduled = scheduled for { $at }
ws-to-draft = Back to draft
ws-to-review = Submit for review
ws-to-approved = Approve
ws-to-published = Publish (now, or at the time below)
ws-login-title = Sign in to the workspace
ws-email = Email
ws-password = Password
ws-login = Sign in
ws-login-failed = The email or password is not right.
ws-login-throttled = Too many failed attempts. Please wait a quarter of an hour and try again.
ws-forbidden-title = Not allowed
ws-forbidden-body = Your role does not allow this. Ask an editor or an administrator.
ws-csrf-failed = This form has expired or did not come from this site. Reload the page and try again; what you typed is still in your browser.
ws-bad-form = The form could not be read: { $reason }
ws-versions-caption = Each commentary in each language: its state in the workflow.
ws-outdated = source changed
ws-scheduled = Scheduled
ws-nothing-scheduled = Nothing is scheduled.
ws-no-editions = There are no editions yet.
ws-edition-web = The edition on the web
ws-field-slug = Address (slug)
ws-field-title = Title
ws-field-lead = Lead
ws-field-body = Text (Markdown)
ws-field-assessment = Assessment
ws-field-language = Language
ws-create = Create
ws-save = Save
ws-preview = Preview
ws-preview-below = The preview is below; nothing has been saved yet.
ws-saved = Saved.
ws-confirm-translation = The translation matches the new source
ws-read-only = You can read this version but not change it.
ws-translate-into = Translation into { $lang }
ws-status = State
ws-history = History
ws-history-of = History of “{ $title }”
ws-revision = Revision { $revision }
ws-back = Back
ws-conflict = Someone saved this version (revision { $revision }) after you opened it. Nothing was overwritten: your text is in the form, theirs is shown above it. Merge them and save again.
ws-conflict-theirs = The saved text (revision { $revision })
ws-conflict-help = Copy what you need from here into the form below, then save.
ws-source = Source ({ $lang })
ws-move-to = Move to
ws-publish-at = Publication time (UTC; empty means now)
ws-apply = Apply
ws-bad-slug = The address may contain only lowercase Latin letters, digits and single hyphens, up to 100 characters.
ws-title-missing = A title is needed.
ws-too-long = The field “{ $field }” is longer than { $max } characters.
ws-pick-all = Choose an edition, a trend and an assessment from the lists.
ws-unknown-language = That language is not one of this site's.
ws-slug-taken = Another text in this language already uses this address.
ws-bad-status = That is not a workflow state.
ws-bad-time = The publication time is not a date and time.
ws-ui-language = Language of the workspace
ws-current-password = Current password
ws-new-password = New password
ws-wrong-password = The current password is not right.
ws-password-short = A password needs at least { $min } characters.
ws-password-long = That password is too long.
ws-add-staff = Add a staff member
ws-name-field = Name
ws-role = Role
ws-add = Add
ws-bad-email = That is not an email address.
ws-bad-name = A name is needed (at most 200 characters).
ws-bad-role = Choose a role from the list.
ws-email-taken = A staff member with this email already exists.
ws-when = When
ws-who = Who
ws-what = What
ws-subject = Subject
ws-detail = Detail
ws-nav-editions = Editions
ws-week = Week
ws-new-edition = New edition
ws-week-start = First day of the week
ws-bad-date = That is not a date.
ws-order = Order of commentaries
ws-move-up = Move up
ws-move-down = Move down
ws-edition-times = When it goes out
ws-email-at = By email (UTC)
ws-web-at = On the web (UTC; empty: not yet)
ws-facts = Trend, assessment, edition, authors
ws-authors = Authors
ws-restore = Restore this revision
ws-code-title = Enter your one-time code
ws-code = Six-digit code from your authenticator app
ws-code-wrong = That code is not right, or it was used already. Wait for the next one and try again.
ws-totp = Two-factor sign-in
ws-totp-on = Two-factor sign-in is on. To turn it off, enter a current code.
ws-totp-off = Two-factor sign-in is off. With it on, a stolen password alone does not open your account.
ws-totp-start = Set it up
ws-totp-scan = Add this key to your authenticator app (type it in, or open the link below on your phone), then enter the code it shows.
ws-totp-enable = Turn on
ws-totp-disable = Turn off
ws-totp-required = This site requires two-factor sign-in for all staff. Set it up to continue.
ws-require-totp = Require two-factor sign-in for all staff
ws-nav-trends = Trends
ws-nav-authors = Authors
ws-nav-pages = Pages
ws-description = Description
ws-bio = About the author
ws-upload = Upload an image
ws-upload-label = Image (JPEG, PNG or WebP)
ws-upload-missing = Choose an image file first.
ws-upload-too-large = The file is larger than { $mb } MB.
ws-upload-not-image = That file is not a JPEG, PNG or WebP image.
ws-upload-damaged = The image seems damaged and could not be read.
ws-upload-done = Uploaded ({ $size } pixels). Location and camera details were removed.
ws-upload-snippet = Paste this into the text where the image belongs
ws-disabled = disabled
ws-last-admin = This is the last administrator; make someone else an administrator first.
ws-nav-languages = Languages
ws-languages-list = The site's languages, in order (codes such as be, ru, en)
ws-languages-default = The default language (one of them)
ws-languages-help = A language without texts yet shows the others' texts with a note. Removing a language hides its pages; nothing is deleted.
ws-bad-languages = List one to twenty language codes of two or three letters, separated by commas, and pick the default from among them.

## The newsletter

subscribe-title = Subscribe to our newsletter
subscribe-pitch = Each week's analysis by email, before it is on the site.
subscribe-email = Your email address
subscribe-languages = In which languages?
subscribe-button = Subscribe
subscribe-choose-languages = Choose languages
subscribe-honeypot = Leave this field empty
subscribe-bad-email = Please enter an email address, such as name@example.org.
subscribe-no-language = Choose at least one language.
subscribe-too-many = Too many sign-ups have come from your network in the last hour. Please try again later.
subscribe-check-title = Check your inbox
subscribe-check-body = If { $email } can be subscribed, a message is on its way to it. Follow the link in it to confirm.
subscribe-confirmed-title = You have been successfully subscribed
subscribe-confirmed-body = Thank you. The next edition will come to you by email before it appears on the site.
subscribe-manage-link = Change languages, pause or leave
subscribe-manage-title = Your subscription
subscribe-manage-for = The subscription of { $email } is
subscribe-save = Save
subscribe-pause = Pause
subscribe-resume = Resume
subscribe-leave = Unsubscribe
subscribe-saved = Saved.
subscribe-paused = Your subscription is paused. Resume it whenever you like.
subscribe-left = You have left the newsletter. You can subscribe again at any time.
subscribe-left-title = You are unsubscribed
subscribe-left-body = You will get no more newsletters from us. You can subscribe again at any time.
subscribe-link-title = This link does not work
subscribe-link-invalid = This link is damaged or incomplete. Copy the whole link from the email, or subscribe again.
subscribe-link-expired = This confirmation link has expired. Please subscribe again; a new link will be sent.
subscriber-status-pending = waiting for confirmation
subscriber-status-active = active
subscriber-status-paused = paused
subscriber-status-unsubscribed = ended
subscriber-status-bounced = undeliverable
subscriber-status-complained = ended after a complaint
email-confirm-subject = Confirm your subscription to { $site }
email-confirm-body = Someone, hopefully you, asked to receive { $site } by email. If it was you, confirm with the link below. If not, ignore this message and you will get nothing more.
email-confirm-button = Confirm my subscription
email-known-subject = Your subscription to { $site }
email-known-body = You are already subscribed to { $site }. With the link below you can change your languages, pause or leave.
email-manage-button = Manage my subscription
ws-nav-outbox = Outbox
ws-outbox-capturing = No mail relay is configured (or this is the demo): messages are kept here instead of being sent.
ws-outbox-sending = Mail goes to the configured relay; messages kept here are from before it was set.
ws-outbox-empty = The outbox is empty.
ws-outbox-source = The message as it would be sent
email-edition-subject = { $site }: { $range }
email-view-in-browser = Read this letter in your browser
email-edition-footer = You receive this because you subscribed to our weekly analysis.
ws-letter = The letter
ws-letter-preview = Preview
ws-letter-test = Send a test to me
ws-letter-empty = Nothing in this edition is published yet, so there is no letter to show.
ws-not-sent = Not sent yet. It goes out by itself at the email time below.
ws-send-figures = { $total } emails: { $sent } sent, { $queued } waiting, { $failed } failed.
ws-nav-subscribers = Subscribers
ws-active-per-language = active subscribers per language
ws-search = Search
ws-export-csv = Export all as CSV
ws-languages = Languages
ws-consent = Consent
ws-erase = Erase
ws-add-subscriber = Add a subscriber
ws-consent-how = How they asked to be added (kept as their consent)
ws-consent-needed = Say how this person asked to be added: it is kept as their consent.
ws-subscriber-exists = This address is on the list already.
ws-email-full = The email carries the full texts (otherwise title, assessment, lead and a link)

## Delivery figures and subscriber import
ws-send-title = Edition { $number }: delivery
ws-send-back = Back to the edition
ws-send-captured = No mail relay is configured: messages are kept in the workspace outbox.
ws-send-live = The letter is going out; this page refreshes every 5 seconds.
ws-figure-total = In all
ws-figure-queued = Waiting
ws-figure-sent = Sent
ws-figure-failed = Failed
ws-figure-bounced = Bounced
ws-figure-complained = Complaints
ws-send-chart = Messages sent per minute
ws-send-chart-peak = at most { $peak } a minute
ws-send-chart-table = The figures behind the chart
ws-send-minute = Minute (UTC)
ws-send-open = Delivery figures and chart
ws-import-csv = Import from a CSV file
ws-import-help = The first row names the columns: "email", "consent" (how and when the person agreed to receive the newsletter) and, if you like, "languages" (codes such as "be ru"; empty means the default language). Addresses already on the list are left as they are, including those who left.
ws-import-file = CSV file
ws-import = Import
ws-import-done = Added: { $added }. Already on the list, left as they were: { $already }. Rows refused: { $refused }.
ws-import-too-large = The file is larger than { $mb } MB.
ws-import-missing = Choose a CSV file to import.
ws-import-no-email = The file has no first row with an "email" column.
ws-import-no-consent = The file has no "consent" column. Each row must say how and when the person agreed to receive the newsletter.
ws-import-row-email = Line { $line }: "{ $value }" is not an email address.
ws-import-row-consent = Line { $line }: no consent given.
ws-import-row-lang = Line { $line }: "{ $value }" is not one of the site's languages.
ws-import-row-broken = Line { $line }: this line cannot be read as CSV.
ws-subscribers-found = { $total } found; page { $page } of { $pages }
ws-page-prev = Previous page
ws-page-next = Next page

## Search
search-title = Search
search-title-for = Search: { $q }
search-label = Search the commentaries
search-button = Search
search-hint = Words match their other forms; put a phrase in "quotes"; a minus sign before a word leaves it out.
search-filters = Filters
search-trend = Trend
search-any-trend = Any trend
search-assessment = Assessment
search-any-assessment = Any assessment
search-from = From
search-to = To
search-count = { $count ->
    [0] No results
    [one] One result
   *[other] { $count } results
}
search-any-words = No commentary has all of these words; these have some of them.
search-nothing = No commentary matches your search.
search-tip-spelling = Check the spelling, or try another form of the word.
search-tip-fewer = Use fewer or more general words.
search-tip-no-filters = Search again without the filters
search-tip-trends = Browse the commentaries by trend
search-tip-archive = Browse all editions
search-elsewhere = { $count ->
    [one] One result in { $language }
   *[other] { $count } results in { $language }
}
search-too-long = The search is too long. Please use at most { $max } characters.
search-unknown-filter = One of the filters names a trend or assessment this site does not have. Please pick one from the list.
search-bad-date = Dates must be written as year-month-day, for example 2026-07-03.
search-unavailable = Search is not available just now. Please try again in a few seconds.
similar-title = Similar commentaries

## The barometer and charts
nav-barometer = Barometer
barometer-title = Barometer
barometer-intro = Every trend, week by week. Each square is one commentary, coloured and marked by its assessment; follow a square to read it.
barometer-chart-title = Assessments by trend and week
barometer-desc = A grid of { $trends } trends over { $weeks } weeks, { $range }. Each filled square is one commentary; its colour and symbol give the assessment: a triangle pointing up for better, down for worse, a bar for no change.
trend-chart-title = Week by week
trend-chart-desc = The assessments of { $trend } over { $weeks } weeks, { $range }. Each mark is one commentary, on the row of its assessment; a line joins consecutive weeks.
chart-summary = { $weeks ->
    [one] One week: { $range }.
   *[other] { $weeks } weeks: { $range }.
}
chart-empty = Nothing was published in this period.
chart-as-table = The same as a table
chart-week = Week
chart-assessment = Assessment
chart-commentary = Commentary
chart-table-barometer = Assessments by week and trend
chart-table-trend = Assessments of { $trend } by week
chart-mark = { $week }: { $trend }, { $assessment }. { $title }
chart-mark-untitled = { $week }: { $trend }, { $assessment }.
chart-not-public = not published
period-label = Period
period-weeks = { $weeks } weeks
period-all = All weeks
period-from = From
period-to = To
period-show = Show
bad-period-date = Dates are written as year-month-day, for example 2026-01-31.
bad-period-weeks = The number of weeks must be between 1 and { $max }, or “all”.
bad-period-order = The period ends before it starts.
ws-nav-barometer = Barometer
ws-barometer-intro = Every week, including those readers cannot see yet: hollow squares are commentaries not yet published. Squares open the commentary in the editor.
ws-nav-assessments = Assessment scale
ws-assessments-intro = The steps a commentary's assessment is chosen from, in order, best first. The tone decides each step's colour and symbol on the barometer.
ws-tone = Tone
ws-tone-up2 = Much better
ws-tone-up1 = Better
ws-tone-0 = No change
ws-tone-down1 = Worse
ws-tone-down2 = Much worse
ws-position = Order
ws-field-key = Key
ws-key-taken = Another step of the scale already has this key.
ws-label-missing = Give the step a label in at least one language.
ws-bad-position = The order is a whole number from 0 to 1000.
ws-bad-tone = Choose one of the tones in the list.

## Default scales, written into a new site in each of its languages
scale-improved = The situation has improved
scale-unchanged = The situation has not changed
scale-deteriorated = The situation has deteriorated
likelihood-almost-certain = Almost certain
likelihood-likely = Likely
likelihood-even-chance = As likely as not
likelihood-unlikely = Unlikely
likelihood-remote = Remote chance

## Forecasts and the track record
nav-forecasts = Forecasts
forecasts-title = Forecasts
forecasts-intro = Each statement says how likely we think something is and by when. When the day comes, we record what happened, and the track record shows how well our likelihoods held up.
forecasts-none = No forecasts have been published yet.
forecast-count = { $count ->
    [one] One statement, { $resolved } resolved
   *[other] { $count } statements, { $resolved } resolved
}
forecast-published = Published { $date }
forecast-by = By { $date }
percent = { $n }%
forecast-likelihood = { $label } ({ $percent })
outcome-happened = Happened
outcome-not-happened = Did not happen
outcome-unclear = Cannot tell
outcome-open = Open
outcome-due = Being checked
forecast-set-score = Brier score of the resolved statements: { $score }.
track-record-title = Track record
track-record-link = Our track record
track-record-intro = The Brier score is the mean of the squared differences between the probability we gave and what happened (1 if it did, 0 if not). 0 is perfect; saying “as likely as not” every time would score 0.25. Statements whose outcome cannot be told are left out.
brier-overall = { $count ->
    [one] Brier score: { $score }, over one resolved statement.
   *[other] Brier score: { $score }, over { $count } resolved statements.
}
brier-none = No statement has been resolved yet.
track-by-trend = By trend
track-trend = Trend
track-statements = Statements
track-score = Brier score
calibration-title = Calibration
calibration-intro = For each likelihood we used, how often such statements came true. Points on the dashed line are well calibrated: of the things called 75% likely, three in four happened.
calibration-desc = { $points } points: the probability forecast runs along the bottom, the share of those statements that happened up the side; the dashed diagonal is where they would be equal. Bigger points stand for more statements.
calibration-predicted = Forecast probability
calibration-observed = Share that happened
calibration-point = { $label } ({ $percent }): { $happened } of { $count } happened
calibration-likelihood = Likelihood
ws-nav-forecasts = Forecasts
ws-forecasts-intro = Forecast sets and their statements. A set is public once it has a publication time that has come; outcomes are public as soon as they are recorded.
ws-due-title = Due for an outcome
ws-due-none = Nothing is due.
ws-new-set = New forecast set
ws-set-title = Title
ws-set-intro = Introduction
ws-set-public-from = Public from (UTC)
ws-set-draft = not published
ws-statements = Statements
ws-statement = Statement
ws-statement-add = Add a statement
ws-due-on = Due on
ws-likelihood = Likelihood
ws-trend = Trend
ws-outcome = Outcome
ws-outcome-note = Note on the outcome
ws-outcome-none = No outcome yet
ws-record-outcome = Record the outcome
ws-bad-due = The due date is written as year-month-day, for example 2027-06-30.
ws-statement-missing = Write the statement in at least one language.
ws-set-title-missing = Give the set a title in at least one language.
ws-unknown-choice = Choose a trend and a likelihood from the lists.
ws-bad-outcome = Choose an outcome from the list.
ws-bad-percent = The probability is a whole number from 0 to 100.
ws-nav-likelihoods = Likelihood scale
ws-likelihoods-intro = The words forecasts are made in and the probability each stands for. A statement keeps the probability it was made with, so changing it here does not rewrite the track record.
ws-percent = Probability (%)
ws-edit = Edit

## Requests for analysis
nav-request = Request analysis
request-title = Request analysis
request-intro = Ask our analysts a question about the situation. We read every request and answer by email in the language you choose; we keep only what you write here, and only for as long as we work on it.
request-name = Your name
request-email = Your email address
request-organisation = Organisation (optional)
request-topic = Topic
request-topic-other = Another topic
request-question = Your question
request-language = Answer in
request-send = Send the request
request-errors = The request was not sent. Please correct the following:
request-bad-name = Give your name (up to { $max } characters).
request-bad-email = Give an email address we can answer to, like name@example.org.
request-bad-organisation = The organisation's name is too long (up to { $max } characters).
request-bad-question = Write your question (up to { $max } characters).
request-bad-topic = Choose a topic from the list.
request-bad-language = Choose a language from the list.
request-too-large = The request is too large to send. Please shorten it.
request-too-many = Too many requests from your network or address in the last hour. Please try again later.
request-thanks-title = Thank you
request-thanks = We have received your request and sent a confirmation to { $email }. An analyst will answer you there.
email-request-subject = We received your request — { $site }
email-request-body = Thank you for your question. We have received it and an analyst will answer you at this address. You did not need to do anything more.
email-request-button = Visit the site
email-request-new-subject = New analysis request: { $topic }
email-request-new-body = { $name } asked a question on { $topic } (answer in { $lang }).
email-request-new-button = Open it in the workspace
ws-nav-requests = Requests
ws-requests-intro = Questions readers sent through the “Request analysis” form. Accept, assign, note and answer them here; answers go out by email.
ws-request-state-new = New
ws-request-state-accepted = Accepted
ws-request-state-answered = Answered
ws-request-state-declined = Declined
ws-request-all = All
ws-request-mine = Assigned to me
ws-request-none = No requests here.
ws-request-from = From
ws-request-received = Received
ws-request-topic = Topic
ws-request-language = Answer in
ws-request-state = State
ws-request-assignee = Analyst
ws-request-nobody = Nobody
ws-request-save = Save
ws-request-note = Internal note
ws-request-add-note = Add the note
ws-request-reply = Reply by email
ws-request-reply-subject = Subject
ws-request-reply-body = Answer
ws-request-send-reply = Send the reply
ws-request-history = History
ws-request-event-note = Note by { $who }
ws-request-event-reply = Reply sent by { $who }
ws-request-event-state = { $who } set the state to “{ $state }”
ws-request-event-assign = { $who } assigned it to { $name }
ws-request-erase = Erase this request
ws-request-erased = The request and its history were erased.
ws-request-empty = Write something first.
ws-request-too-long = The text is too long (up to { $max } characters).
ws-request-bad-choice = Choose a state and an analyst from the lists.
email-request-assigned-subject = A request for analysis is yours
email-request-assigned-body = { $who } assigned you the request from { $name }.
ws-waiting-requests = { $count ->
    [one] One new request for analysis
   *[other] { $count } new requests for analysis
}
ws-waiting-due = { $count ->
    [one] One forecast statement is due for its outcome
   *[other] { $count } forecast statements are due for their outcomes
}
ws-waiting-assigned = { $count ->
    [one] One request for analysis is assigned to you
   *[other] { $count } requests for analysis are assigned to you
}
ws-set-slug-taken = Another forecast set already has this address.
ws-statement-locked = This set is public: a statement's trend, likelihood and due date can no longer change, only its wording. Add a new statement instead.

ws-nav-api = API
ws-api-intro = Personal tokens let your scripts and apps act for you through the write API at /api/v1 (see /api/v1/openapi.json). A token acts with the role you give it, never above your own, and stops working when revoked or when your role drops below it.
ws-api-tokens = Your tokens
ws-api-all-tokens = Tokens of all staff
ws-api-token = New token
ws-api-token-name = Name
ws-api-token-role = Acts as
ws-api-token-created = Made
ws-api-token-used = Last used
ws-api-token-never = never
ws-api-token-revoked = revoked
ws-api-owner = Owner
ws-api-revoke = Revoke
ws-api-no-tokens = No tokens yet.
ws-api-new-token = Make a token
ws-api-make = Make the token
ws-api-token-shown-once = Copy this token now: it is shown only this once, and sitrep keeps only a fingerprint of it.
ws-api-token-name-missing = Give the token a name (up to 100 characters), such as the script that will use it.
ws-api-content-key = Content API key for Ghost clients
ws-api-content-key-help = Front ends built with Ghost's client read the public site with this key at /ghost/api/content/ (another language at /ru/ghost/api/content/ and so on). It is not a secret: it only names the front end. A new key stops the old one.
ws-api-key = Key
ws-api-new-key = Make a new key
ws-webhooks = Webhooks
ws-webhooks-intro = sitrep sends a signed JSON POST to each address when a commentary appears on the site or is taken down, and when a newsletter has gone out. The signature header is X-Sitrep-Signature: t=time,v1=HMAC-SHA256 of "time.body" with the secret. Failed deliveries are retried for about two hours.
ws-webhook-url = Address
ws-webhook-events = Events
ws-webhook-secret = Signing secret
ws-webhook-add = Add the webhook
ws-webhook-remove = Remove
ws-webhook-recent = Recent deliveries
ws-webhook-when = Queued
ws-webhook-state = State
ws-webhook-attempts = Attempts
ws-webhook-delivered = delivered
ws-webhook-failed = given up
ws-webhook-pending = waiting
ws-webhook-event-published = published
ws-webhook-event-unpublished = taken down
ws-webhook-event-edition-sent = newsletter sent
ws-webhook-bad-url = Enter a full web address starting with https:// or http://.
ws-webhook-no-events = Choose at least one event.

mirror-banner = This is a copy of the site, saved for reading where the site itself cannot be reached.
mirror-live-site = The live site:
mirror-live-only = This works only on the live site.
mirror-no-search = Search works only on the live site. In this copy, browse the editions and trends instead.
