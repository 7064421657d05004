# Радкі інтэрфейсу публічнага сайта, беларуская.
lang-name = Беларуская
skip-to-content = Перайсці да зместу
nav-home = Галоўная
nav-editions = Выпускі
nav-trends = Тэмы
nav-about = Пра нас
nav-projects = Праекты
nav-main = Галоўнае меню
language-switcher = Чытаць на іншай мове
latest-edition = Апошні выпуск
edition-number = Выпуск № { $number }
view-all = Усе выпускі
read-more = Чытаць далей
archive-title = Усе выпускі
trends-title = Тэмы
trend-label = Тэма
edition-label = Выпуск
authors-label = { $count ->
    [one] Аўтар
   *[other] Аўтары
}
published-on = Апублікавана { $date }
commentary-count = { $count ->
    [one] { $count } каментарый
    [few] { $count } каментарыі
   *[many] { $count } каментарыяў
}
edition-count = { $count ->
    [one] { $count } выпуск
    [few] { $count } выпускі
   *[many] { $count } выпускаў
}
translation-missing = Гэты тэкст яшчэ не перакладзены на беларускую мову. Ніжэй ён пададзены { $shown ->
    [ru] на рускай мове
    [en] на англійскай мове
    [be] на беларускай мове
   *[other] на іншай мове
}.
other-languages = Таксама даступна на мовах
recent-commentaries = Апошнія каментарыі
no-commentaries = Тут пакуль нічога не апублікавана.
page-of = Старонка { $page } з { $pages }
page-newer = Навейшыя
page-older = Старэйшыя
pagination = Старонкі
footer-note = Штотыднёвая аналітыка. Падпісчыкі атрымліваюць кожны выпуск па пошце раней, чым ён з'явіцца тут.
not-found-title = Старонку не знойдзена
not-found-body = Па гэтым адрасе нічога няма. Магчыма, старонка пераехала або яшчэ не апублікаваная.
bad-request-title = На гэты адрас нельга адказаць
bad-page-number = Нумар старонкі мусіць быць цэлым лікам ад 1 да { $max }.
bad-request-body = У адрасе ёсць памылка: { $reason }
server-error-title = У нас нешта пайшло не так
server-error-body = Старонку не ўдалося паказаць. Паспрабуйце яшчэ раз праз хвіліну.
back-home = На галоўную
text-language = { $lang ->
    [be] па-беларуску
    [ru] па-руску
    [en] па-англійску
   *[other] на іншай мове
}
unavailable-title = Хутка вернемся
unavailable-body = Сайт зараз не можа звязацца са сваёй базай даных. Паспрабуйце яшчэ раз праз некалькі секунд.

## Рэдакцыя

ws-name = Рэдакцыя
ws-nav-dashboard = Гэты тыдзень
ws-nav-new = Новы каментарый
ws-nav-staff = Супрацоўнікі
ws-nav-audit = Журнал дзеянняў
ws-nav-account = Мой профіль
ws-logout = Выйсці
ws-logout-everywhere = Выйсці на ўсіх прыладах
ws-role-admin = адміністратар
ws-role-editor = рэдактар
ws-role-author = аўтар
ws-role-translator = перакладчык
ws-status-draft = чарнавік
ws-status-review = на праверцы
ws-status-approved = ухвалена
ws-status-published = апублікавана
ws-status-missing = няма
ws-status-scheduled = запланавана на { $at }
ws-to-draft = Вярнуць у чарнавік
ws-to-review = Адправіць на праверку
ws-to-approved = Ухваліць
ws-to-published = Апублікаваць (зараз або ў пазначаны ніжэй час)
ws-login-title = Уваход у рэдакцыю
ws-email = Электронная пошта
ws-password = Пароль
ws-login = Увайсці
ws-login-failed = Няправільны адрас пошты або пароль.
ws-login-throttled = Занадта шмат няўдалых спроб. Пачакайце чвэрць гадзіны і паспрабуйце зноў.
ws-forbidden-title = Няма доступу
ws-forbidden-body = Ваша роля гэтага не дазваляе. Звярніцеся да рэдактара або адміністратара.
ws-csrf-failed = Тэрмін дзеяння формы скончыўся, або яна адпраўлена не з гэтага сайта. Абнавіце старонку і паспрабуйце зноў; набраны тэкст застаўся ў браўзеры.
ws-bad-form = Не ўдалося прачытаць форму: { $reason }
ws-versions-caption = Кожны каментарый на кожнай мове і яго стан.
ws-outdated = арыгінал зменены
ws-scheduled = Запланавана
ws-nothing-scheduled = Нічога не запланавана.
ws-no-editions = Выпускаў пакуль няма.
ws-edition-web = Выпуск на сайце
ws-field-slug = Адрас (slug)
ws-field-title = Загаловак
ws-field-lead = Лід
ws-field-body = Тэкст (Markdown)
ws-field-assessment = Ацэнка
ws-field-language = Мова
ws-create = Стварыць
ws-save = Захаваць
ws-preview = Папярэдні прагляд
ws-preview-below = Папярэдні прагляд ніжэй; пакуль нічога не захавана.
ws-saved = Захавана.
ws-confirm-translation = Пераклад адпавядае новаму арыгіналу
ws-read-only = Гэтую версію можна чытаць, але не змяняць.
ws-translate-into = Пераклад: { $lang }
ws-status = Стан
ws-history = Гісторыя
ws-history-of = Гісторыя: «{ $title }»
ws-revision = Рэдакцыя { $revision }
ws-back = Назад
ws-conflict = Нехта захаваў гэтую версію (рэдакцыя { $revision }) пасля таго, як вы яе адкрылі. Нічога не перазапісана: ваш тэкст у форме, захаваны паказаны над ёй. Аб'яднайце іх і захавайце зноў.
ws-conflict-theirs = Захаваны тэкст (рэдакцыя { $revision })
ws-conflict-help = Перанясіце патрэбнае адсюль у форму ніжэй і захавайце.
ws-source = Арыгінал ({ $lang })
ws-move-to = Перавесці ў стан
ws-publish-at = Час публікацыі (UTC; пуста — зараз)
ws-apply = Ужыць
ws-bad-slug = Адрас можа мець толькі малыя лацінскія літары, лічбы і адзінкавыя злучкі, не даўжэй за 100 знакаў.
ws-title-missing = Патрэбны загаловак.
ws-too-long = Поле «{ $field }» даўжэйшае за { $max } знакаў.
ws-pick-all = Выберыце выпуск, тэму і ацэнку са спісаў.
ws-unknown-language = Гэтай мовы няма сярод моў сайта.
ws-slug-taken = Гэты адрас ужо заняты іншым тэкстам на гэтай мове.
ws-bad-status = Такога стану няма.
ws-bad-time = Час публікацыі не падобны на дату і час.
ws-ui-language = Мова рэдакцыі
ws-current-password = Цяперашні пароль
ws-new-password = Новы пароль
ws-wrong-password = Цяперашні пароль няправільны.
ws-password-short = Пароль павінен мець не менш за { $min } знакаў.
ws-password-long = Пароль занадта доўгі.
ws-add-staff = Дадаць супрацоўніка
ws-name-field = Імя
ws-role = Роля
ws-add = Дадаць
ws-bad-email = Гэта не адрас электроннай пошты.
ws-bad-name = Патрэбна імя (не даўжэй за 200 знакаў).
ws-bad-role = Выберыце ролю са спісу.
ws-email-taken = Супрацоўнік з такім адрасам ужо ёсць.
ws-when = Калі
ws-who = Хто
ws-what = Што
ws-subject = Аб'ект
ws-detail = Падрабязнасці
ws-nav-editions = Выпускі
ws-week = Тыдзень
ws-new-edition = Новы выпуск
ws-week-start = Першы дзень тыдня
ws-bad-date = Гэта не дата.
ws-order = Парадак каментарыяў
ws-move-up = Вышэй
ws-move-down = Ніжэй
ws-edition-times = Калі выходзіць
ws-email-at = Па пошце (UTC)
ws-web-at = На сайце (UTC; пуста — пакуль не)
ws-facts = Тэма, ацэнка, выпуск, аўтары
ws-authors = Аўтары
ws-restore = Аднавіць гэтую рэдакцыю
ws-code-title = Увядзіце аднаразовы код
ws-code = Шасцізначны код з праграмы-аўтэнтыфікатара
ws-code-wrong = Код няправільны або ўжо выкарыстаны. Пачакайце наступны і паспрабуйце зноў.
ws-totp = Двухфактарны ўваход
ws-totp-on = Двухфактарны ўваход уключаны. Каб выключыць яго, увядзіце цяперашні код.
ws-totp-off = Двухфактарны ўваход выключаны. Калі ён уключаны, украдзенага пароля недастаткова, каб увайсці ў ваш профіль.
ws-totp-start = Наладзіць
ws-totp-scan = Дадайце гэты ключ у праграму-аўтэнтыфікатар (увядзіце ўручную або адкрыйце спасылку ніжэй на тэлефоне) і ўвядзіце код, які яна пакажа.
ws-totp-enable = Уключыць
ws-totp-disable = Выключыць
ws-totp-required = На гэтым сайце двухфактарны ўваход абавязковы для ўсіх супрацоўнікаў. Наладзьце яго, каб працягнуць.
ws-require-totp = Патрабаваць двухфактарны ўваход ад усіх супрацоўнікаў
ws-nav-trends = Тэмы
ws-nav-authors = Аўтары
ws-nav-pages = Старонкі
ws-description = Апісанне
ws-bio = Пра аўтара
ws-upload = Загрузіць выяву
ws-upload-label = Выява (JPEG, PNG або WebP)
ws-upload-missing = Спачатку выберыце файл выявы.
ws-upload-too-large = Файл большы за { $mb } МБ.
ws-upload-not-image = Гэты файл — не выява JPEG, PNG або WebP.
ws-upload-damaged = Выява, здаецца, пашкоджаная і не чытаецца.
ws-upload-done = Загружана ({ $size } пікселяў). Звесткі пра месца здымкі і камеру выдаленыя.
ws-upload-snippet = Устаўце гэта ў тэкст там, дзе мусіць быць выява
ws-disabled = адключаны
ws-last-admin = Гэта апошні адміністратар; спачатку прызначце адміністратарам кагосьці іншага.
ws-nav-languages = Мовы
ws-languages-list = Мовы сайта па парадку (коды, напрыклад be, ru, en)
ws-languages-default = Мова па змаўчанні (адна з іх)
ws-languages-help = Мова, на якой яшчэ няма тэкстаў, паказвае тэксты на іншых мовах з заўвагай. Калі прыбраць мову, яе старонкі схаваюцца; нічога не выдаляецца.
ws-bad-languages = Пералічыце ад аднаго да дваццаці кодаў моў з дзвюх-трох літар праз коску і выберыце з іх мову па змаўчанні.

## Рассылка

subscribe-title = Падпішыцеся на нашу рассылку
subscribe-pitch = Штотыднёвая аналітыка па пошце — раней, чым на сайце.
subscribe-email = Ваш адрас электроннай пошты
subscribe-languages = На якіх мовах?
subscribe-button = Падпісацца
subscribe-choose-languages = Выбраць мовы
subscribe-honeypot = Пакіньце гэтае поле пустым
subscribe-bad-email = Увядзіце адрас электроннай пошты, напрыклад name@example.org.
subscribe-no-language = Выберыце хаця б адну мову.
subscribe-too-many = За апошнюю гадзіну з вашай сеткі прыйшло занадта шмат падпісак. Паспрабуйце пазней.
subscribe-check-title = Праверце пошту
subscribe-check-body = Калі адрас { $email } можна падпісаць, на яго ўжо адпраўлены ліст. Перайдзіце па спасылцы ў ім, каб пацвердзіць падпіску.
subscribe-confirmed-title = Вы паспяхова падпісаліся
subscribe-confirmed-body = Дзякуй. Наступны выпуск прыйдзе да вас па пошце раней, чым з'явіцца на сайце.
subscribe-manage-link = Змяніць мовы, прыпыніць або адпісацца
subscribe-manage-title = Ваша падпіска
subscribe-manage-for = Падпіска адраса { $email }:
subscribe-save = Захаваць
subscribe-pause = Прыпыніць
subscribe-resume = Аднавіць
subscribe-leave = Адпісацца
subscribe-saved = Захавана.
subscribe-paused = Падпіска прыпынена. Аднавіце яе, калі захочаце.
subscribe-left = Вы адпісаліся ад рассылкі. Падпісацца зноў можна ў любы момант.
subscribe-left-title = Вы адпісаліся
subscribe-left-body = Больш лістоў ад нас не будзе. Падпісацца зноў можна ў любы момант.
subscribe-link-title = Гэтая спасылка не працуе
subscribe-link-invalid = Спасылка пашкоджаная або няпоўная. Скапіюйце яе з ліста цалкам або падпішыцеся нанова.
subscribe-link-expired = Тэрмін дзеяння спасылкі для пацверджання скончыўся. Падпішыцеся яшчэ раз — прыйдзе новая спасылка.
subscriber-status-pending = чакае пацверджання
subscriber-status-active = дзейнічае
subscriber-status-paused = прыпынена
subscriber-status-unsubscribed = спынена
subscriber-status-bounced = адрас недаступны
subscriber-status-complained = спынена пасля скаргі
email-confirm-subject = Пацвердзіце падпіску на «{ $site }»
email-confirm-body = Нехта — спадзяемся, вы — папрасіў дасылаць «{ $site }» па пошце. Калі гэта былі вы, пацвердзіце падпіску па спасылцы ніжэй. Калі не, проста не звяртайце ўвагі на гэты ліст: больш лістоў не будзе.
email-confirm-button = Пацвердзіць падпіску
email-known-subject = Ваша падпіска на «{ $site }»
email-known-body = Вы ўжо падпісаныя на «{ $site }». Па спасылцы ніжэй можна змяніць мовы, прыпыніць падпіску або адпісацца.
email-manage-button = Кіраваць падпіскай
ws-nav-outbox = Выходныя
ws-outbox-capturing = Паштовы сервер не наладжаны (або гэта дэманстрацыя): лісты не адпраўляюцца, а захоўваюцца тут.
ws-outbox-sending = Пошта ідзе праз наладжаны сервер; тут захоўваюцца лісты, сабраныя да яго наладжвання.
ws-outbox-empty = Выходных лістоў няма.
ws-outbox-source = Ліст у тым выглядзе, у якім ён быў бы адпраўлены
email-edition-subject = { $site }: { $range }
email-view-in-browser = Адкрыць ліст у браўзеры
email-edition-footer = Вы атрымалі гэты ліст, бо падпісаліся на нашу штотыднёвую аналітыку.
ws-letter = Ліст
ws-letter-preview = Папярэдні прагляд
ws-letter-test = Адправіць пробны мне
ws-letter-empty = У гэтым выпуску яшчэ нічога не апублікавана, таму ліста няма.
ws-not-sent = Яшчэ не адпраўлена. Ліст пойдзе сам у час рассылкі, пазначаны ніжэй.
ws-send-figures = Лістоў: { $total }; адпраўлена { $sent }, чакаюць { $queued }, не дастаўлена { $failed }.
ws-nav-subscribers = Падпісчыкі
ws-active-per-language = дзейных падпісчыкаў па мовах
ws-search = Пошук
ws-export-csv = Выгрузіць усіх у CSV
ws-languages = Мовы
ws-consent = Згода
ws-erase = Сцерці
ws-add-subscriber = Дадаць падпісчыка
ws-consent-how = Як чалавек папрасіў яго дадаць (захоўваецца як яго згода)
ws-consent-needed = Пазначце, як гэты чалавек папрасіў яго дадаць: гэта захоўваецца як яго згода.
ws-subscriber-exists = Гэты адрас ужо ёсць у спісе.
ws-email-full = У лісце поўныя тэксты (інакш загаловак, ацэнка, лід і спасылка)

## Delivery figures and subscriber import
ws-send-title = Выпуск № { $number }: рассылка
ws-send-back = Вярнуцца да выпуску
ws-send-captured = Паштовы сервер не наладжаны: лісты захоўваюцца ў выходных працоўнай прасторы.
ws-send-live = Ліст рассылаецца; старонка абнаўляецца кожныя 5 секунд.
ws-figure-total = Усяго
ws-figure-queued = У чарзе
ws-figure-sent = Адпраўлена
ws-figure-failed = Не дастаўлена
ws-figure-bounced = Адмовы адрасоў
ws-figure-complained = Скаргі
ws-send-chart = Лістоў за хвіліну
ws-send-chart-peak = найбольш { $peak } за хвіліну
ws-send-chart-table = Даныя графіка
ws-send-minute = Хвіліна (UTC)
ws-send-open = Ход рассылкі і графік
ws-import-csv = Імпарт з файла CSV
ws-import-help = У першым радку — назвы слупкоў: «email», «consent» (як і калі чалавек пагадзіўся атрымліваць рассылку) і, калі хочаце, «languages» (коды, напрыклад «be ru»; пуста — мова па змаўчанні). Адрасы, якія ўжо ёсць у спісе, застаюцца як былі, у тым ліку тыя, хто адпісаўся.
ws-import-file = Файл CSV
ws-import = Імпартаваць
ws-import-done = Дададзена: { $added }. Ужо былі ў спісе і не зменены: { $already }. Адхілена радкоў: { $refused }.
ws-import-too-large = Файл большы за { $mb } МБ.
ws-import-missing = Выберыце файл CSV для імпарту.
ws-import-no-email = У першым радку файла няма слупка «email».
ws-import-no-consent = У файле няма слупка «consent». У кожным радку павінна быць пазначана, як і калі чалавек пагадзіўся атрымліваць рассылку.
ws-import-row-email = Радок { $line }: «{ $value }» — не адрас электроннай пошты.
ws-import-row-consent = Радок { $line }: не пазначана згода.
ws-import-row-lang = Радок { $line }: «{ $value }» — не мова сайта.
ws-import-row-broken = Радок { $line }: не чытаецца як CSV.
ws-subscribers-found = Знойдзена: { $total }; старонка { $page } з { $pages }
ws-page-prev = Папярэдняя старонка
ws-page-next = Наступная старонка

## Search
search-title = Пошук
search-title-for = Пошук: { $q }
search-label = Пошук па каментарыях
search-button = Знайсці
search-hint = Словы знаходзяцца і ў іншых формах; фразу вазьміце ў "двукоссе"; мінус перад словам выключае яго.
search-filters = Фільтры
search-trend = Тэма
search-any-trend = Любая тэма
search-assessment = Ацэнка
search-any-assessment = Любая ацэнка
search-from = З
search-to = Па
search-count = { $count ->
    [0] Нічога не знойдзена
    [one] { $count } вынік
    [few] { $count } вынікі
   *[many] { $count } вынікаў
}
search-any-words = Ні ў адным каментарыі няма ўсіх гэтых слоў; вось тыя, дзе ёсць некаторыя з іх.
search-nothing = Па вашым запыце каментарыяў не знойдзена.
search-tip-spelling = Праверце напісанне або паспрабуйце іншую форму слова.
search-tip-fewer = Выкарыстоўвайце менш слоў або больш агульныя словы.
search-tip-no-filters = Шукаць зноў без фільтраў
search-tip-trends = Праглядзець каментарыі па тэмах
search-tip-archive = Праглядзець усе выпускі
search-elsewhere = { $count ->
    [one] { $count } вынік на мове: { $language }
    [few] { $count } вынікі на мове: { $language }
   *[many] { $count } вынікаў на мове: { $language }
}
search-too-long = Запыт занадта доўгі. Выкарыстоўвайце не больш за { $max } знакаў.
search-unknown-filter = Адзін з фільтраў называе тэму або ацэнку, якіх на сайце няма. Выберыце значэнне са спісу.
search-bad-date = Даты пішуцца як год-месяц-дзень, напрыклад 2026-07-03.
search-unavailable = Пошук зараз недаступны. Паспрабуйце яшчэ раз праз некалькі секунд.
similar-title = Падобныя каментарыі

## The barometer and charts
nav-barometer = Барометр
barometer-title = Барометр
barometer-intro = Усе тэмы, тыдзень за тыднем. Кожны квадрат — адзін каментарый, яго колер і знак паказваюць ацэнку; націсніце на квадрат, каб прачытаць каментарый.
barometer-chart-title = Ацэнкі па тэмах і тыднях
barometer-desc = Табліца з { $trends } тэм за { $weeks } тыдн., { $range }. Кожны зафарбаваны квадрат — адзін каментарый; колер і знак паказваюць ацэнку: трохвугольнік уверх — лепш, уніз — горш, рыска — без зменаў.
trend-chart-title = Тыдзень за тыднем
trend-chart-desc = Ацэнкі па тэме «{ $trend }» за { $weeks } тыдн., { $range }. Кожная адзнака — адзін каментарый у радку сваёй ацэнкі; лінія злучае суседнія тыдні.
chart-summary = { $weeks ->
    [one] { $weeks } тыдзень: { $range }.
    [few] { $weeks } тыдні: { $range }.
   *[many] { $weeks } тыдняў: { $range }.
}
chart-empty = За гэты перыяд нічога не апублікавана.
chart-as-table = Тое ж у выглядзе табліцы
chart-week = Тыдзень
chart-assessment = Ацэнка
chart-commentary = Каментарый
chart-table-barometer = Ацэнкі па тыднях і тэмах
chart-table-trend = Ацэнкі па тэме «{ $trend }» па тыднях
chart-mark = { $week }: { $trend }, { $assessment }. { $title }
chart-mark-untitled = { $week }: { $trend }, { $assessment }.
chart-not-public = не апублікаваны
period-label = Перыяд
period-weeks = { $weeks ->
    [one] { $weeks } тыдзень
    [few] { $weeks } тыдні
   *[many] { $weeks } тыдняў
}
period-all = Усе тыдні
period-from = З
period-to = Па
period-show = Паказаць
bad-period-date = Даты пішуцца як год-месяц-дзень, напрыклад 2026-01-31.
bad-period-weeks = Колькасць тыдняў павінна быць ад 1 да { $max } або «all».
bad-period-order = Перыяд заканчваецца раней, чым пачынаецца.
ws-nav-barometer = Барометр
ws-barometer-intro = Усе тыдні, у тым ліку тыя, што чытачы яшчэ не бачаць: пустыя квадраты — неапублікаваныя каментарыі. Квадрат адкрывае каментарый у рэдактары.
ws-nav-assessments = Шкала ацэнак
ws-assessments-intro = Прыступкі, з якіх выбіраецца ацэнка каментарыя, па парадку, пачынаючы з лепшай. Тон задае колер і знак прыступкі на барометры.
ws-tone = Тон
ws-tone-up2 = Значна лепш
ws-tone-up1 = Лепш
ws-tone-0 = Без зменаў
ws-tone-down1 = Горш
ws-tone-down2 = Значна горш
ws-position = Парадак
ws-field-key = Ключ
ws-key-taken = Іншая прыступка шкалы ўжо мае гэты ключ.
ws-label-missing = Дайце прыступцы назву хаця б на адной мове.
ws-bad-position = Парадак — цэлы лік ад 0 да 1000.
ws-bad-tone = Выберыце адзін з тонаў са спісу.

## Default scales, written into a new site in each of its languages
scale-improved = Сітуацыя палепшылася
scale-unchanged = Сітуацыя не змянілася
scale-deteriorated = Сітуацыя пагоршылася
likelihood-almost-certain = Амаль напэўна
likelihood-likely = Верагодна
likelihood-even-chance = Роўныя шанцы
likelihood-unlikely = Малаверагодна
likelihood-remote = Амаль выключана

## Forecasts and the track record
nav-forecasts = Прагнозы
forecasts-title = Прагнозы
forecasts-intro = Кожнае сцверджанне кажа, наколькі верагодная, на нашу думку, падзея і да якога тэрміну. Калі тэрмін надыходзіць, мы запісваем, што адбылося, а старонка дакладнасці паказвае, наколькі спраўдзіліся нашы ацэнкі.
forecasts-none = Прагнозы пакуль не апублікаваныя.
forecast-count = { $count ->
    [one] { $count } сцверджанне, праверана { $resolved }
    [few] { $count } сцверджанні, праверана { $resolved }
   *[many] { $count } сцверджанняў, праверана { $resolved }
}
forecast-published = Апублікавана { $date }
forecast-by = Да { $date }
percent = { $n } %
forecast-likelihood = { $label } ({ $percent })
outcome-happened = Спраўдзілася
outcome-not-happened = Не спраўдзілася
outcome-unclear = Нельга сказаць
outcome-open = Тэрмін не надышоў
outcome-due = Правяраецца
forecast-set-score = Ацэнка Брайера па правераных сцверджаннях: { $score }.
track-record-title = Дакладнасць прагнозаў
track-record-link = Дакладнасць нашых прагнозаў
track-record-intro = Ацэнка Брайера — сярэдняе квадратаў розніцы паміж верагоднасцю, якую мы назвалі, і тым, што адбылося (1 — спраўдзілася, 0 — не). 0 — ідэальна; калі кожны раз казаць «роўныя шанцы», атрымаецца 0,25. Сцверджанні, пра якія нельга сказаць, ці спраўдзіліся яны, не ўлічваюцца.
brier-overall = { $count ->
    [one] Ацэнка Брайера: { $score } па { $count } правераным сцверджанні.
   *[other] Ацэнка Брайера: { $score } па { $count } правераных сцверджаннях.
}
brier-none = Ніводнае сцверджанне яшчэ не праверана.
track-by-trend = Па тэмах
track-trend = Тэма
track-statements = Сцверджанні
track-score = Ацэнка Брайера
calibration-title = Каліброўка
calibration-intro = Для кожнай ступені верагоднасці — як часта такія сцверджанні спраўджваліся. Кропкі на пункцірнай лініі азначаюць добрую каліброўку: з таго, што мы назвалі верагодным на 75 %, спраўдзіліся тры з чатырох.
calibration-desc = Кропак: { $points }. Па гарызанталі — верагоднасць прагнозу, па вертыкалі — доля сцверджанняў, што спраўдзіліся; пункцірная дыяганаль — дзе яны роўныя. Чым большая кропка, тым больш сцверджанняў.
calibration-predicted = Верагоднасць прагнозу
calibration-observed = Доля тых, што спраўдзіліся
calibration-point = { $label } ({ $percent }): спраўдзілася { $happened } з { $count }
calibration-likelihood = Верагоднасць
ws-nav-forecasts = Прагнозы
ws-forecasts-intro = Наборы прагнозаў і іх сцверджанні. Набор публічны, калі надышоў час яго публікацыі; вынікі публічныя адразу пасля запісу.
ws-due-title = Час праверыць
ws-due-none = Правяраць пакуль няма чаго.
ws-new-set = Новы набор прагнозаў
ws-set-title = Загаловак
ws-set-intro = Уступ
ws-set-public-from = Публічны з (UTC)
ws-set-draft = не апублікаваны
ws-statements = Сцверджанні
ws-statement = Сцверджанне
ws-statement-add = Дадаць сцверджанне
ws-due-on = Тэрмін
ws-likelihood = Верагоднасць
ws-trend = Тэма
ws-outcome = Вынік
ws-outcome-note = Тлумачэнне да выніку
ws-outcome-none = Вынік не запісаны
ws-record-outcome = Запісаць вынік
ws-bad-due = Тэрмін пішацца як год-месяц-дзень, напрыклад 2027-06-30.
ws-statement-missing = Напішыце сцверджанне хаця б на адной мове.
ws-set-title-missing = Дайце набору загаловак хаця б на адной мове.
ws-unknown-choice = Выберыце тэму і верагоднасць са спісаў.
ws-bad-outcome = Выберыце вынік са спісу.
ws-bad-percent = Верагоднасць — цэлы лік ад 0 да 100.
ws-nav-likelihoods = Шкала верагоднасцяў
ws-likelihoods-intro = Словы, якімі фармулююцца прагнозы, і верагоднасць, якую азначае кожнае. Сцверджанне захоўвае верагоднасць, з якой зроблена, таму змена тут не перапісвае гісторыю дакладнасці.
ws-percent = Верагоднасць (%)
ws-edit = Правіць

## Requests for analysis
nav-request = Запытаць аналіз
request-title = Запытаць аналіз
request-intro = Задайце пытанне нашым аналітыкам. Мы чытаем кожны запыт і адказваем электроннай поштай на мове, якую вы абярэце; мы захоўваем толькі тое, што вы тут напішаце, і толькі пакуль працуем над адказам.
request-name = Ваша імя
request-email = Ваш адрас электроннай пошты
request-organisation = Арганізацыя (неабавязкова)
request-topic = Тэма
request-topic-other = Іншая тэма
request-question = Ваша пытанне
request-language = Мова адказу
request-send = Адправіць запыт
request-errors = Запыт не адпраўлены. Выпраўце, калі ласка:
request-bad-name = Пазначце імя (да { $max } знакаў).
request-bad-email = Пазначце адрас, на які можна адказаць, напрыклад name@example.org.
request-bad-organisation = Назва арганізацыі занадта доўгая (да { $max } знакаў).
request-bad-question = Напішыце пытанне (да { $max } знакаў).
request-bad-topic = Выберыце тэму са спісу.
request-bad-language = Выберыце мову са спісу.
request-too-large = Запыт занадта вялікі. Скараціце яго, калі ласка.
request-too-many = Занадта шмат запытаў з вашай сеткі або адраса за апошнюю гадзіну. Паспрабуйце пазней.
request-thanks-title = Дзякуй
request-thanks = Мы атрымалі ваш запыт і адправілі пацвярджэнне на { $email }. Аналітык адкажа вам туды.
email-request-subject = Мы атрымалі ваш запыт — { $site }
email-request-body = Дзякуй за пытанне. Мы яго атрымалі, і аналітык адкажа вам на гэты адрас. Больш нічога рабіць не трэба.
email-request-button = Перайсці на сайт
email-request-new-subject = Новы запыт на аналіз: { $topic }
email-request-new-body = { $name } задаў(ла) пытанне па тэме «{ $topic }» (адказ на мове: { $lang }).
email-request-new-button = Адкрыць у працоўнай прасторы
ws-nav-requests = Запыты
ws-requests-intro = Пытанні, якія чытачы даслалі праз форму «Запытаць аналіз». Тут іх прымаюць, прызначаюць, каментуюць і адказваюць; адказы ідуць электроннай поштай.
ws-request-state-new = Новы
ws-request-state-accepted = Прыняты
ws-request-state-answered = Адказаны
ws-request-state-declined = Адхілены
ws-request-all = Усе
ws-request-mine = Мае
ws-request-none = Запытаў няма.
ws-request-from = Ад
ws-request-received = Атрыманы
ws-request-topic = Тэма
ws-request-language = Мова адказу
ws-request-state = Стан
ws-request-assignee = Аналітык
ws-request-nobody = Ніхто
ws-request-save = Захаваць
ws-request-note = Унутраная нататка
ws-request-add-note = Дадаць нататку
ws-request-reply = Адказаць поштай
ws-request-reply-subject = Тэма ліста
ws-request-reply-body = Адказ
ws-request-send-reply = Адправіць адказ
ws-request-history = Гісторыя
ws-request-event-note = Нататка: { $who }
ws-request-event-reply = Адказ адправіў(ла) { $who }
ws-request-event-state = { $who }: стан «{ $state }»
ws-request-event-assign = { $who } прызначыў(ла): { $name }
ws-request-erase = Сцерці гэты запыт
ws-request-erased = Запыт і яго гісторыя сцёртыя.
ws-request-empty = Спачатку напішыце тэкст.
ws-request-too-long = Тэкст занадта доўгі (да { $max } знакаў).
ws-request-bad-choice = Выберыце стан і аналітыка са спісаў.
email-request-assigned-subject = Вам даручаны запыт на аналіз
email-request-assigned-body = { $who } даручыў(ла) вам запыт ад { $name }.
ws-waiting-requests = { $count ->
    [one] { $count } новы запыт на аналіз
    [few] { $count } новыя запыты на аналіз
   *[many] { $count } новых запытаў на аналіз
}
ws-waiting-due = { $count ->
    [one] { $count } прагноз чакае запісу выніку
    [few] { $count } прагнозы чакаюць запісу выніку
   *[many] { $count } прагнозаў чакаюць запісу выніку
}
ws-waiting-assigned = { $count ->
    [one] Вам даручаны { $count } запыт на аналіз
    [few] Вам даручаны { $count } запыты на аналіз
   *[many] Вам даручана { $count } запытаў на аналіз
}
ws-set-slug-taken = У іншага набору прагнозаў ужо ёсць такі адрас.
ws-statement-locked = Гэты набор апублікаваны: тэму, верагоднасць і тэрмін сцверджання больш нельга змяняць, толькі фармулёўку. Дадайце новае сцверджанне.

ws-nav-api = API
ws-api-intro = Асабістыя токены дазваляюць вашым скрыптам і праграмам дзейнічаць ад вашага імя праз API запісу /api/v1 (гл. /api/v1/openapi.json). Токен дзейнічае з роляй, якую вы яму даяце, але не вышэйшай за вашу, і перастае працаваць, калі яго адклікаюць або калі ваша роля стане ніжэйшай.
ws-api-tokens = Вашы токены
ws-api-all-tokens = Токены ўсіх супрацоўнікаў
ws-api-token = Новы токен
ws-api-token-name = Назва
ws-api-token-role = Роля
ws-api-token-created = Створаны
ws-api-token-used = Апошняе выкарыстанне
ws-api-token-never = ніколі
ws-api-token-revoked = адкліканы
ws-api-owner = Уладальнік
ws-api-revoke = Адклікаць
ws-api-no-tokens = Токенаў пакуль няма.
ws-api-new-token = Стварыць токен
ws-api-make = Стварыць токен
ws-api-token-shown-once = Скапіюйце токен зараз: ён паказваецца толькі адзін раз, sitrep захоўвае толькі яго адбітак.
ws-api-token-name-missing = Дайце токену назву (да 100 знакаў), напрыклад паводле скрыпта, які будзе ім карыстацца.
ws-api-content-key = Ключ Content API для кліентаў Ghost
ws-api-content-key-help = Сайты, зробленыя на кліенце Ghost, чытаюць публічны сайт з гэтым ключом па адрасе /ghost/api/content/ (іншая мова — /ru/ghost/api/content/ і г. д.). Ключ не сакрэтны: ён толькі называе кліента. Новы ключ скасоўвае стары.
ws-api-key = Ключ
ws-api-new-key = Стварыць новы ключ
ws-webhooks = Вэбхукі
ws-webhooks-intro = sitrep дасылае на кожны адрас падпісаны JSON-запыт POST, калі каментар з'яўляецца на сайце або здымаецца, і калі рассылка разаслана. Загаловак подпісу — X-Sitrep-Signature: t=час,v1=HMAC-SHA256 радка «час.цела» з сакрэтам. Няўдалыя дастаўкі паўтараюцца каля дзвюх гадзін.
ws-webhook-url = Адрас
ws-webhook-events = Падзеі
ws-webhook-secret = Сакрэт подпісу
ws-webhook-add = Дадаць вэбхук
ws-webhook-remove = Выдаліць
ws-webhook-recent = Апошнія дастаўкі
ws-webhook-when = У чарзе з
ws-webhook-state = Стан
ws-webhook-attempts = Спробы
ws-webhook-delivered = дастаўлена
ws-webhook-failed = спынена
ws-webhook-pending = чакае
ws-webhook-event-published = апублікавана
ws-webhook-event-unpublished = знята
ws-webhook-event-edition-sent = рассылка адпраўлена
ws-webhook-bad-url = Увядзіце поўны вэб-адрас, які пачынаецца з https:// або http://.
ws-webhook-no-events = Абярыце хаця б адну падзею.

mirror-banner = Гэта копія сайта, захаваная для чытання там, дзе сам сайт недаступны.
mirror-live-site = Дзейны сайт:
mirror-live-only = Гэта працуе толькі на дзейным сайце.
mirror-no-search = Пошук працуе толькі на дзейным сайце. У гэтай копіі гартайце выпускі і трэнды.
