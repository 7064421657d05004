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
more-in-trend = Яшчэ па тэме «{ $trend }»
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
