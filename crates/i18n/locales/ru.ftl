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
more-in-trend = Ещё по теме «{ $trend }»
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
