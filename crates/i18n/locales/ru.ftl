# Строки интерфейса публичного сайта, русский.
lang-name = Русский
skip-to-content = Перейти к содержанию
nav-home = Главная
nav-editions = Выпуски
nav-trends = Темы
nav-about = О нас
nav-projects = Проекты
nav-main = Главное меню
language-switcher = Читать на другом языке
latest-edition = Последний выпуск
edition-number = Выпуск № { $number }
view-all = Все выпуски
read-more = Читать далее
archive-title = Все выпуски
trends-title = Темы
trend-label = Тема
edition-label = Выпуск
authors-label = { $count ->
    [one] Автор
   *[other] Авторы
}
published-on = Опубликовано { $date }
commentary-count = { $count ->
    [one] { $count } комментарий
    [few] { $count } комментария
   *[many] { $count } комментариев
}
edition-count = { $count ->
    [one] { $count } выпуск
    [few] { $count } выпуска
   *[many] { $count } выпусков
}
translation-missing = Этот текст ещё не переведён на русский язык. Ниже он приведён { $shown ->
    [be] на белорусском языке
    [en] на английском языке
    [ru] на русском языке
   *[other] на другом языке
}.
other-languages = Также доступно на языках
recent-commentaries = Последние комментарии
no-commentaries = Здесь пока ничего не опубликовано.
page-of = Страница { $page } из { $pages }
page-newer = Новее
page-older = Старше
pagination = Страницы
footer-note = Еженедельная аналитика. Подписчики получают каждый выпуск по почте раньше, чем он появится здесь.
not-found-title = Страница не найдена
not-found-body = По этому адресу ничего нет. Возможно, страница переехала или ещё не опубликована.
bad-request-title = На этот адрес нельзя ответить
bad-page-number = Номер страницы должен быть целым числом от 1 до { $max }.
bad-request-body = В адресе есть ошибка: { $reason }
server-error-title = У нас что-то пошло не так
server-error-body = Страницу не удалось показать. Попробуйте ещё раз через минуту.
back-home = На главную
text-language = { $lang ->
    [be] на белорусском
    [ru] на русском
    [en] на английском
   *[other] на другом языке
}
unavailable-title = Скоро вернёмся
unavailable-body = Сайт сейчас не может связаться со своей базой данных. Попробуйте ещё раз через несколько секунд.

## Редакция

ws-name = Редакция
ws-nav-dashboard = Эта неделя
ws-nav-new = Новый комментарий
ws-nav-staff = Сотрудники
ws-nav-audit = Журнал действий
ws-nav-account = Мой профиль
ws-logout = Выйти
ws-logout-everywhere = Выйти на всех устройствах
ws-role-admin = администратор
ws-role-editor = редактор
ws-role-author = автор
ws-role-translator = переводчик
ws-status-draft = черновик
ws-status-review = на проверке
ws-status-approved = одобрено
ws-status-published = опубликовано
ws-status-missing = нет
ws-status-scheduled = запланировано на { $at }
ws-to-draft = Вернуть в черновик
ws-to-review = Отправить на проверку
ws-to-approved = Одобрить
ws-to-published = Опубликовать (сейчас или в указанное ниже время)
ws-login-title = Вход в редакцию
ws-email = Электронная почта
ws-password = Пароль
ws-login = Войти
ws-login-failed = Неверный адрес почты или пароль.
ws-login-throttled = Слишком много неудачных попыток. Подождите четверть часа и попробуйте снова.
ws-forbidden-title = Нет доступа
ws-forbidden-body = Ваша роль этого не позволяет. Обратитесь к редактору или администратору.
ws-csrf-failed = Срок действия формы истёк, или она отправлена не с этого сайта. Обновите страницу и попробуйте снова; набранный текст остался в браузере.
ws-bad-form = Не удалось прочитать форму: { $reason }
ws-versions-caption = Каждый комментарий на каждом языке и его состояние.
ws-outdated = оригинал изменён
ws-scheduled = Запланировано
ws-nothing-scheduled = Ничего не запланировано.
ws-no-editions = Выпусков пока нет.
ws-edition-web = Выпуск на сайте
ws-field-slug = Адрес (slug)
ws-field-title = Заголовок
ws-field-lead = Лид
ws-field-body = Текст (Markdown)
ws-field-assessment = Оценка
ws-field-language = Язык
ws-create = Создать
ws-save = Сохранить
ws-preview = Предпросмотр
ws-preview-below = Предпросмотр ниже; пока ничего не сохранено.
ws-saved = Сохранено.
ws-confirm-translation = Перевод соответствует новому оригиналу
ws-read-only = Эту версию можно читать, но не изменять.
ws-translate-into = Перевод: { $lang }
ws-status = Состояние
ws-history = История
ws-history-of = История: «{ $title }»
ws-revision = Редакция { $revision }
ws-back = Назад
ws-conflict = Кто-то сохранил эту версию (редакция { $revision }) после того, как вы её открыли. Ничего не перезаписано: ваш текст в форме, сохранённый показан над ней. Объедините их и сохраните снова.
ws-conflict-theirs = Сохранённый текст (редакция { $revision })
ws-conflict-help = Перенесите нужное отсюда в форму ниже и сохраните.
ws-source = Оригинал ({ $lang })
ws-move-to = Перевести в состояние
ws-publish-at = Время публикации (UTC; пусто — сейчас)
ws-apply = Применить
ws-bad-slug = Адрес может содержать только строчные латинские буквы, цифры и одиночные дефисы, не длиннее 100 знаков.
ws-title-missing = Нужен заголовок.
ws-too-long = Поле «{ $field }» длиннее { $max } знаков.
ws-pick-all = Выберите выпуск, тему и оценку из списков.
ws-unknown-language = Этого языка нет среди языков сайта.
ws-slug-taken = Этот адрес уже занят другим текстом на этом языке.
ws-bad-status = Такого состояния нет.
ws-bad-time = Время публикации не похоже на дату и время.
ws-ui-language = Язык редакции
ws-current-password = Текущий пароль
ws-new-password = Новый пароль
ws-wrong-password = Текущий пароль неверен.
ws-password-short = Пароль должен содержать не меньше { $min } знаков.
ws-password-long = Пароль слишком длинный.
ws-add-staff = Добавить сотрудника
ws-name-field = Имя
ws-role = Роль
ws-add = Добавить
ws-bad-email = Это не адрес электронной почты.
ws-bad-name = Нужно имя (не длиннее 200 знаков).
ws-bad-role = Выберите роль из списка.
ws-email-taken = Сотрудник с таким адресом уже есть.
ws-when = Когда
ws-who = Кто
ws-what = Что
ws-subject = Объект
ws-detail = Подробности
ws-nav-editions = Выпуски
ws-week = Неделя
ws-new-edition = Новый выпуск
ws-week-start = Первый день недели
ws-bad-date = Это не дата.
ws-order = Порядок комментариев
ws-move-up = Выше
ws-move-down = Ниже
ws-edition-times = Когда выходит
ws-email-at = По почте (UTC)
ws-web-at = На сайте (UTC; пусто — пока нет)
ws-facts = Тема, оценка, выпуск, авторы
ws-authors = Авторы
ws-restore = Восстановить эту редакцию
ws-code-title = Введите одноразовый код
ws-code = Шестизначный код из приложения-аутентификатора
ws-code-wrong = Код неверен или уже использован. Дождитесь следующего и попробуйте снова.
ws-totp = Двухфакторный вход
ws-totp-on = Двухфакторный вход включён. Чтобы выключить его, введите текущий код.
ws-totp-off = Двухфакторный вход выключен. Когда он включён, украденного пароля недостаточно, чтобы войти в ваш профиль.
ws-totp-start = Настроить
ws-totp-scan = Добавьте этот ключ в приложение-аутентификатор (введите вручную или откройте ссылку ниже на телефоне) и введите код, который оно покажет.
ws-totp-enable = Включить
ws-totp-disable = Выключить
ws-totp-required = На этом сайте двухфакторный вход обязателен для всех сотрудников. Настройте его, чтобы продолжить.
ws-require-totp = Требовать двухфакторный вход от всех сотрудников
ws-nav-trends = Темы
ws-nav-authors = Авторы
ws-nav-pages = Страницы
ws-description = Описание
ws-bio = Об авторе
ws-upload = Загрузить изображение
ws-upload-label = Изображение (JPEG, PNG или WebP)
ws-upload-missing = Сначала выберите файл изображения.
ws-upload-too-large = Файл больше { $mb } МБ.
ws-upload-not-image = Этот файл — не изображение JPEG, PNG или WebP.
ws-upload-damaged = Изображение, похоже, повреждено и не читается.
ws-upload-done = Загружено ({ $size } пикселей). Сведения о месте съёмки и камере удалены.
ws-upload-snippet = Вставьте это в текст там, где должно быть изображение
ws-disabled = отключён
ws-last-admin = Это последний администратор; сначала назначьте администратором кого-то другого.
ws-nav-languages = Языки
ws-languages-list = Языки сайта по порядку (коды, например be, ru, en)
ws-languages-default = Язык по умолчанию (один из них)
ws-languages-help = Язык, на котором ещё нет текстов, показывает тексты на других языках с пометкой. Если убрать язык, его страницы скроются; ничего не удаляется.
ws-bad-languages = Перечислите от одного до двадцати кодов языков из двух-трёх букв через запятую и выберите из них язык по умолчанию.

## Рассылка

subscribe-title = Подпишитесь на нашу рассылку
subscribe-pitch = Еженедельная аналитика по почте — раньше, чем на сайте.
subscribe-email = Ваш адрес электронной почты
subscribe-languages = На каких языках?
subscribe-button = Подписаться
subscribe-choose-languages = Выбрать языки
subscribe-honeypot = Оставьте это поле пустым
subscribe-bad-email = Введите адрес электронной почты, например name@example.org.
subscribe-no-language = Выберите хотя бы один язык.
subscribe-too-many = За последний час из вашей сети пришло слишком много подписок. Попробуйте позже.
subscribe-check-title = Проверьте почту
subscribe-check-body = Если адрес { $email } можно подписать, на него уже отправлено письмо. Перейдите по ссылке в нём, чтобы подтвердить подписку.
subscribe-confirmed-title = Вы успешно подписались
subscribe-confirmed-body = Спасибо. Следующий выпуск придёт к вам по почте раньше, чем появится на сайте.
subscribe-manage-link = Изменить языки, приостановить или отписаться
subscribe-manage-title = Ваша подписка
subscribe-manage-for = Подписка адреса { $email }:
subscribe-save = Сохранить
subscribe-pause = Приостановить
subscribe-resume = Возобновить
subscribe-leave = Отписаться
subscribe-saved = Сохранено.
subscribe-paused = Подписка приостановлена. Возобновите её, когда захотите.
subscribe-left = Вы отписались от рассылки. Подписаться снова можно в любой момент.
subscribe-left-title = Вы отписались
subscribe-left-body = Больше писем от нас не будет. Подписаться снова можно в любой момент.
subscribe-link-title = Эта ссылка не работает
subscribe-link-invalid = Ссылка повреждена или неполна. Скопируйте её из письма целиком или подпишитесь заново.
subscribe-link-expired = Срок действия ссылки для подтверждения истёк. Подпишитесь ещё раз — придёт новая ссылка.
subscriber-status-pending = ожидает подтверждения
subscriber-status-active = действует
subscriber-status-paused = приостановлена
subscriber-status-unsubscribed = прекращена
subscriber-status-bounced = адрес недоступен
subscriber-status-complained = прекращена после жалобы
email-confirm-subject = Подтвердите подписку на «{ $site }»
email-confirm-body = Кто-то — надеемся, вы — попросил присылать «{ $site }» по почте. Если это были вы, подтвердите подписку по ссылке ниже. Если нет, просто не обращайте внимания на это письмо: больше писем не будет.
email-confirm-button = Подтвердить подписку
email-known-subject = Ваша подписка на «{ $site }»
email-known-body = Вы уже подписаны на «{ $site }». По ссылке ниже можно изменить языки, приостановить подписку или отписаться.
email-manage-button = Управлять подпиской
ws-nav-outbox = Исходящие
ws-outbox-capturing = Почтовый сервер не настроен (или это демонстрация): письма не отправляются, а хранятся здесь.
ws-outbox-sending = Почта уходит через настроенный сервер; здесь хранятся письма, собранные до его настройки.
ws-outbox-empty = Исходящих писем нет.
ws-outbox-source = Письмо в том виде, в каком оно было бы отправлено
email-edition-subject = { $site }: { $range }
email-view-in-browser = Открыть письмо в браузере
email-edition-footer = Вы получили это письмо, потому что подписались на нашу еженедельную аналитику.
ws-letter = Письмо
ws-letter-preview = Предпросмотр
ws-letter-test = Отправить пробное мне
ws-letter-empty = В этом выпуске ещё ничего не опубликовано, поэтому письма нет.
ws-not-sent = Ещё не отправлено. Письмо уйдёт само во время рассылки, указанное ниже.
ws-send-figures = Писем: { $total }; отправлено { $sent }, ждут { $queued }, не доставлено { $failed }.
ws-nav-subscribers = Подписчики
ws-active-per-language = действующих подписчиков по языкам
ws-search = Поиск
ws-export-csv = Выгрузить всех в CSV
ws-languages = Языки
ws-consent = Согласие
ws-erase = Стереть
ws-add-subscriber = Добавить подписчика
ws-consent-how = Как человек попросил его добавить (хранится как его согласие)
ws-consent-needed = Укажите, как этот человек попросил его добавить: это хранится как его согласие.
ws-subscriber-exists = Этот адрес уже есть в списке.
ws-email-full = В письме полные тексты (иначе заголовок, оценка, лид и ссылка)

## Delivery figures and subscriber import
ws-send-title = Выпуск № { $number }: рассылка
ws-send-back = Вернуться к выпуску
ws-send-captured = Почтовый сервер не настроен: письма сохраняются в исходящих рабочего пространства.
ws-send-live = Письмо рассылается; страница обновляется каждые 5 секунд.
ws-figure-total = Всего
ws-figure-queued = В очереди
ws-figure-sent = Отправлено
ws-figure-failed = Не доставлено
ws-figure-bounced = Отказы адресов
ws-figure-complained = Жалобы
ws-send-chart = Писем в минуту
ws-send-chart-peak = максимум { $peak } в минуту
ws-send-chart-table = Данные графика
ws-send-minute = Минута (UTC)
ws-send-open = Ход рассылки и график
ws-import-csv = Импорт из файла CSV
ws-import-help = В первой строке — названия столбцов: «email», «consent» (как и когда человек согласился получать рассылку) и, при желании, «languages» (коды, например «be ru»; пусто — язык по умолчанию). Адреса, которые уже есть в списке, остаются как были, в том числе отписавшиеся.
ws-import-file = Файл CSV
ws-import = Импортировать
ws-import-done = Добавлено: { $added }. Уже были в списке и не изменены: { $already }. Отклонено строк: { $refused }.
ws-import-too-large = Файл больше { $mb } МБ.
ws-import-missing = Выберите файл CSV для импорта.
ws-import-no-email = В первой строке файла нет столбца «email».
ws-import-no-consent = В файле нет столбца «consent». В каждой строке должно быть указано, как и когда человек согласился получать рассылку.
ws-import-row-email = Строка { $line }: «{ $value }» — не адрес электронной почты.
ws-import-row-consent = Строка { $line }: не указано согласие.
ws-import-row-lang = Строка { $line }: «{ $value }» — не язык сайта.
ws-import-row-broken = Строка { $line }: не читается как CSV.
ws-subscribers-found = Найдено: { $total }; страница { $page } из { $pages }
ws-page-prev = Предыдущая страница
ws-page-next = Следующая страница

## Search
search-title = Поиск
search-title-for = Поиск: { $q }
search-label = Поиск по комментариям
search-button = Найти
search-hint = Слова находятся и в других формах; фразу заключите в "кавычки"; минус перед словом исключает его.
search-filters = Фильтры
search-trend = Тема
search-any-trend = Любая тема
search-assessment = Оценка
search-any-assessment = Любая оценка
search-from = С
search-to = По
search-count = { $count ->
    [0] Ничего не найдено
    [one] { $count } результат
    [few] { $count } результата
   *[many] { $count } результатов
}
search-any-words = Ни в одном комментарии нет всех этих слов; вот те, где есть некоторые из них.
search-nothing = По вашему запросу комментариев не найдено.
search-tip-spelling = Проверьте написание или попробуйте другую форму слова.
search-tip-fewer = Используйте меньше слов или более общие слова.
search-tip-no-filters = Искать снова без фильтров
search-tip-trends = Посмотреть комментарии по темам
search-tip-archive = Посмотреть все выпуски
search-elsewhere = { $count ->
    [one] { $count } результат на языке: { $language }
    [few] { $count } результата на языке: { $language }
   *[many] { $count } результатов на языке: { $language }
}
search-too-long = Запрос слишком длинный. Используйте не больше { $max } символов.
search-unknown-filter = Один из фильтров указывает тему или оценку, которых на сайте нет. Выберите значение из списка.
search-bad-date = Даты пишутся как год-месяц-день, например 2026-07-03.
search-unavailable = Поиск сейчас недоступен. Попробуйте ещё раз через несколько секунд.
similar-title = Похожие комментарии

## The barometer and charts
nav-barometer = Барометр
barometer-title = Барометр
barometer-intro = Все темы, неделя за неделей. Каждый квадрат — один комментарий, его цвет и знак показывают оценку; нажмите на квадрат, чтобы прочитать комментарий.
barometer-chart-title = Оценки по темам и неделям
barometer-desc = Таблица из { $trends } тем за { $weeks } нед., { $range }. Каждый закрашенный квадрат — один комментарий; цвет и знак показывают оценку: треугольник вверх — лучше, вниз — хуже, черта — без изменений.
trend-chart-title = Неделя за неделей
trend-chart-desc = Оценки по теме «{ $trend }» за { $weeks } нед., { $range }. Каждая отметка — один комментарий в строке своей оценки; линия соединяет соседние недели.
chart-summary = { $weeks ->
    [one] { $weeks } неделя: { $range }.
    [few] { $weeks } недели: { $range }.
   *[many] { $weeks } недель: { $range }.
}
chart-empty = За этот период ничего не опубликовано.
chart-as-table = То же в виде таблицы
chart-week = Неделя
chart-assessment = Оценка
chart-commentary = Комментарий
chart-table-barometer = Оценки по неделям и темам
chart-table-trend = Оценки по теме «{ $trend }» по неделям
chart-mark = { $week }: { $trend }, { $assessment }. { $title }
chart-mark-untitled = { $week }: { $trend }, { $assessment }.
chart-not-public = не опубликован
period-label = Период
period-weeks = { $weeks ->
    [one] { $weeks } неделя
    [few] { $weeks } недели
   *[many] { $weeks } недель
}
period-all = Все недели
period-from = С
period-to = По
period-show = Показать
bad-period-date = Даты пишутся как год-месяц-день, например 2026-01-31.
bad-period-weeks = Число недель должно быть от 1 до { $max } или «all».
bad-period-order = Период заканчивается раньше, чем начинается.
ws-nav-barometer = Барометр
ws-barometer-intro = Все недели, включая те, что читатели ещё не видят: пустые квадраты — неопубликованные комментарии. Квадрат открывает комментарий в редакторе.
ws-nav-assessments = Шкала оценок
ws-assessments-intro = Ступени, из которых выбирается оценка комментария, по порядку, начиная с лучшей. Тон задаёт цвет и знак ступени на барометре.
ws-tone = Тон
ws-tone-up2 = Намного лучше
ws-tone-up1 = Лучше
ws-tone-0 = Без изменений
ws-tone-down1 = Хуже
ws-tone-down2 = Намного хуже
ws-position = Порядок
ws-field-key = Ключ
ws-key-taken = Другая ступень шкалы уже использует этот ключ.
ws-label-missing = Дайте ступени название хотя бы на одном языке.
ws-bad-position = Порядок — целое число от 0 до 1000.
ws-bad-tone = Выберите один из тонов в списке.

## Default scales, written into a new site in each of its languages
scale-improved = Ситуация улучшилась
scale-unchanged = Ситуация не изменилась
scale-deteriorated = Ситуация ухудшилась
likelihood-almost-certain = Почти наверняка
likelihood-likely = Вероятно
likelihood-even-chance = Равные шансы
likelihood-unlikely = Маловероятно
likelihood-remote = Почти исключено

## Forecasts and the track record
nav-forecasts = Прогнозы
forecasts-title = Прогнозы
forecasts-intro = Каждое утверждение говорит, насколько вероятно, по нашему мнению, событие и к какому сроку. Когда срок наступает, мы записываем, что произошло, а страница точности показывает, насколько оправдались наши оценки.
forecasts-none = Прогнозы пока не опубликованы.
forecast-count = { $count ->
    [one] { $count } утверждение, проверено { $resolved }
    [few] { $count } утверждения, проверено { $resolved }
   *[many] { $count } утверждений, проверено { $resolved }
}
forecast-published = Опубликовано { $date }
forecast-by = К { $date }
percent = { $n } %
forecast-likelihood = { $label } ({ $percent })
outcome-happened = Сбылось
outcome-not-happened = Не сбылось
outcome-unclear = Нельзя сказать
outcome-open = Срок не наступил
outcome-due = Проверяется
forecast-set-score = Оценка Брайера по проверенным утверждениям: { $score }.
track-record-title = Точность прогнозов
track-record-link = Точность наших прогнозов
track-record-intro = Оценка Брайера — среднее квадратов разницы между вероятностью, которую мы назвали, и тем, что произошло (1 — сбылось, 0 — нет). 0 — идеально; если всякий раз говорить «равные шансы», получится 0,25. Утверждения, о которых нельзя сказать, сбылись ли они, не учитываются.
brier-overall = { $count ->
    [one] Оценка Брайера: { $score } по { $count } проверенному утверждению.
   *[other] Оценка Брайера: { $score } по { $count } проверенным утверждениям.
}
brier-none = Ни одно утверждение ещё не проверено.
track-by-trend = По темам
track-trend = Тема
track-statements = Утверждения
track-score = Оценка Брайера
calibration-title = Калибровка
calibration-intro = Для каждой степени вероятности — как часто такие утверждения сбывались. Точки на пунктирной линии означают хорошую калибровку: из того, что мы назвали вероятным на 75 %, сбылись три из четырёх.
calibration-desc = Точек: { $points }. По горизонтали — вероятность прогноза, по вертикали — доля сбывшихся утверждений; пунктирная диагональ — где они равны. Чем больше точка, тем больше утверждений.
calibration-predicted = Вероятность прогноза
calibration-observed = Доля сбывшихся
calibration-point = { $label } ({ $percent }): сбылось { $happened } из { $count }
calibration-likelihood = Вероятность
ws-nav-forecasts = Прогнозы
ws-forecasts-intro = Наборы прогнозов и их утверждения. Набор публичен, когда наступило время его публикации; исходы публичны сразу после записи.
ws-due-title = Пора проверить
ws-due-none = Проверять пока нечего.
ws-new-set = Новый набор прогнозов
ws-set-title = Заголовок
ws-set-intro = Вступление
ws-set-public-from = Публичен с (UTC)
ws-set-draft = не опубликован
ws-statements = Утверждения
ws-statement = Утверждение
ws-statement-add = Добавить утверждение
ws-due-on = Срок
ws-likelihood = Вероятность
ws-trend = Тема
ws-outcome = Исход
ws-outcome-note = Пояснение к исходу
ws-outcome-none = Исход не записан
ws-record-outcome = Записать исход
ws-bad-due = Срок пишется как год-месяц-день, например 2027-06-30.
ws-statement-missing = Напишите утверждение хотя бы на одном языке.
ws-set-title-missing = Дайте набору заголовок хотя бы на одном языке.
ws-unknown-choice = Выберите тему и вероятность из списков.
ws-bad-outcome = Выберите исход из списка.
ws-bad-percent = Вероятность — целое число от 0 до 100.
ws-nav-likelihoods = Шкала вероятностей
ws-likelihoods-intro = Слова, которыми формулируются прогнозы, и вероятность, которую означает каждое. Утверждение хранит вероятность, с которой сделано, поэтому изменение здесь не переписывает историю точности.
ws-percent = Вероятность (%)
ws-edit = Править

## Requests for analysis
nav-request = Запросить анализ
request-title = Запросить анализ
request-intro = Задайте вопрос нашим аналитикам. Мы читаем каждый запрос и отвечаем по электронной почте на выбранном вами языке; мы храним только то, что вы здесь напишете, и только пока работаем над ответом.
request-name = Ваше имя
request-email = Ваш адрес электронной почты
request-organisation = Организация (необязательно)
request-topic = Тема
request-topic-other = Другая тема
request-question = Ваш вопрос
request-language = Язык ответа
request-send = Отправить запрос
request-errors = Запрос не отправлен. Исправьте, пожалуйста:
request-bad-name = Укажите имя (до { $max } знаков).
request-bad-email = Укажите адрес, на который можно ответить, например name@example.org.
request-bad-organisation = Название организации слишком длинное (до { $max } знаков).
request-bad-question = Напишите вопрос (до { $max } знаков).
request-bad-topic = Выберите тему из списка.
request-bad-language = Выберите язык из списка.
request-too-large = Запрос слишком большой. Сократите его, пожалуйста.
request-too-many = Слишком много запросов с вашей сети или адреса за последний час. Попробуйте позже.
request-thanks-title = Спасибо
request-thanks = Мы получили ваш запрос и отправили подтверждение на { $email }. Аналитик ответит вам туда.
email-request-subject = Мы получили ваш запрос — { $site }
email-request-body = Спасибо за вопрос. Мы его получили, и аналитик ответит вам на этот адрес. Больше ничего делать не нужно.
email-request-button = Перейти на сайт
email-request-new-subject = Новый запрос на анализ: { $topic }
email-request-new-body = { $name } задал(а) вопрос по теме «{ $topic }» (ответ на языке: { $lang }).
email-request-new-button = Открыть в рабочем пространстве
ws-nav-requests = Запросы
ws-requests-intro = Вопросы, которые читатели прислали через форму «Запросить анализ». Здесь их принимают, назначают, комментируют и отвечают; ответы уходят по электронной почте.
ws-request-state-new = Новый
ws-request-state-accepted = Принят
ws-request-state-answered = Отвечен
ws-request-state-declined = Отклонён
ws-request-all = Все
ws-request-mine = Мои
ws-request-none = Запросов нет.
ws-request-from = От
ws-request-received = Получен
ws-request-topic = Тема
ws-request-language = Язык ответа
ws-request-state = Состояние
ws-request-assignee = Аналитик
ws-request-nobody = Никто
ws-request-save = Сохранить
ws-request-note = Внутренняя заметка
ws-request-add-note = Добавить заметку
ws-request-reply = Ответить по почте
ws-request-reply-subject = Тема письма
ws-request-reply-body = Ответ
ws-request-send-reply = Отправить ответ
ws-request-history = История
ws-request-event-note = Заметка: { $who }
ws-request-event-reply = Ответ отправил(а) { $who }
ws-request-event-state = { $who }: состояние «{ $state }»
ws-request-event-assign = { $who } назначил(а): { $name }
ws-request-erase = Стереть этот запрос
ws-request-erased = Запрос и его история стёрты.
ws-request-empty = Сначала напишите текст.
ws-request-too-long = Текст слишком длинный (до { $max } знаков).
ws-request-bad-choice = Выберите состояние и аналитика из списков.
email-request-assigned-subject = Вам поручен запрос на анализ
email-request-assigned-body = { $who } поручил(а) вам запрос от { $name }.
ws-waiting-requests = { $count ->
    [one] { $count } новый запрос на анализ
    [few] { $count } новых запроса на анализ
   *[many] { $count } новых запросов на анализ
}
ws-waiting-due = { $count ->
    [one] { $count } прогноз ждёт записи исхода
    [few] { $count } прогноза ждут записи исхода
   *[many] { $count } прогнозов ждут записи исхода
}
ws-waiting-assigned = { $count ->
    [one] Вам поручен { $count } запрос на анализ
    [few] Вам поручено { $count } запроса на анализ
   *[many] Вам поручено { $count } запросов на анализ
}
ws-set-slug-taken = У другого набора прогнозов уже есть такой адрес.
ws-statement-locked = Этот набор опубликован: тему, вероятность и срок утверждения больше нельзя менять, только формулировку. Добавьте новое утверждение.

ws-nav-api = API
ws-api-intro = Личные токены позволяют вашим скриптам и приложениям действовать от вашего имени через API записи /api/v1 (см. /api/v1/openapi.json). Токен действует с ролью, которую вы ему даёте, но не выше вашей, и перестаёт работать после отзыва или если ваша роль станет ниже.
ws-api-tokens = Ваши токены
ws-api-all-tokens = Токены всех сотрудников
ws-api-token = Новый токен
ws-api-token-name = Название
ws-api-token-role = Роль
ws-api-token-created = Создан
ws-api-token-used = Последнее использование
ws-api-token-never = никогда
ws-api-token-revoked = отозван
ws-api-owner = Владелец
ws-api-revoke = Отозвать
ws-api-no-tokens = Токенов пока нет.
ws-api-new-token = Создать токен
ws-api-make = Создать токен
ws-api-token-shown-once = Скопируйте токен сейчас: он показывается только один раз, sitrep хранит лишь его отпечаток.
ws-api-token-name-missing = Дайте токену название (до 100 знаков), например по имени скрипта, который будет им пользоваться.
ws-api-content-key = Ключ Content API для клиентов Ghost
ws-api-content-key-help = Сайты, сделанные на клиенте Ghost, читают публичный сайт с этим ключом по адресу /ghost/api/content/ (другой язык — /ru/ghost/api/content/ и т. д.). Ключ не секретный: он лишь называет клиента. Новый ключ отменяет старый.
ws-api-key = Ключ
ws-api-new-key = Создать новый ключ
ws-webhooks = Вебхуки
ws-webhooks-intro = sitrep отправляет на каждый адрес подписанный JSON-запрос POST, когда комментарий появляется на сайте или снимается, и когда рассылка разослана. Заголовок подписи — X-Sitrep-Signature: t=время,v1=HMAC-SHA256 строки «время.тело» с секретом. Неудачные доставки повторяются около двух часов.
ws-webhook-url = Адрес
ws-webhook-events = События
ws-webhook-secret = Секрет подписи
ws-webhook-add = Добавить вебхук
ws-webhook-remove = Удалить
ws-webhook-recent = Последние доставки
ws-webhook-when = В очереди с
ws-webhook-state = Состояние
ws-webhook-attempts = Попытки
ws-webhook-delivered = доставлено
ws-webhook-failed = прекращено
ws-webhook-pending = ожидает
ws-webhook-event-published = опубликовано
ws-webhook-event-unpublished = снято
ws-webhook-event-edition-sent = рассылка отправлена
ws-webhook-bad-url = Введите полный веб-адрес, начинающийся с https:// или http://.
ws-webhook-no-events = Выберите хотя бы одно событие.

mirror-banner = Это копия сайта, сохранённая для чтения там, где сам сайт недоступен.
mirror-live-site = Действующий сайт:
mirror-live-only = Это работает только на действующем сайте.
mirror-no-search = Поиск работает только на действующем сайте. В этой копии листайте выпуски и тренды.
