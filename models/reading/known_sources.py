"""The articles the examples cite, as data: a free-text source naming one of these files becomes its
Sources row when ``cashcast upgrade`` moves it to a register, and assumptions/make_examples.py writes
the examples' Sources sheets from the same rows (ids, titles and notes; tests/test_upgrade.py checks the
committed workbooks against them). A file name not listed here gets a row titled by the file name, to
be completed by hand.
"""
from __future__ import annotations

KNOWN_SOURCES: dict[str, dict[str, str]] = {
    '000_1743f66b7ddf36b8.txt': {
        'id': 'A000',
        'title': '按ChatGPT模式做AI,我們一天成本要3億',
        'title_en': 'Doing AI the ChatGPT way would cost us 300 million a day',
        'author': '不空 (Bu Kong)',
        'publisher': '剁椒TMT, 鈦媒體 (TMTPost)',
        'date': '',
        'location': '000_1743f66b7ddf36b8.txt',
        'kind': 'article',
        'note': "Author and publisher from the article's closing credit (文:剁椒TMT*作者:不空/鈦媒體). The article gives no date; it reports the first weeks after ChatGPT's launch, early 2023.",
    },
    '001_e96a8ceb7138aefa.txt': {
        'id': 'A001',
        'title': '为什么大模型接下来要看中国?',
        'title_en': 'Why large models should look to China next',
        'author': '张津京 (Zhang Jinjing)',
        'publisher': '',
        'date': '',
        'location': '001_e96a8ceb7138aefa.txt',
        'kind': 'article',
        'note': "The article names no publisher and gives no date; it calls iFlytek's Spark model, released in May 2023, last week's news, so it dates from about May 2023.",
    },
    '002_32ea07d386792081.txt': {
        'id': 'A002',
        'title': 'ChatGPT中国变形记',
        'title_en': "ChatGPT's transformation in China",
        'author': '',
        'publisher': '',
        'date': '2023-02-19',
        'location': '002_32ea07d386792081.txt',
        'kind': 'press report',
        'note': "Dated 2023-02-19 14:26 on its page, filed under 行业新闻 (industry news); the page's full title adds a futures broker's tag line (_期货开户,香港期货). The article names no author or publisher; its text reports interviews by 36氪 (36Kr).",
    },
    '003_1c2e4cd2fb2e3692.txt': {
        'id': 'A003',
        'title': '2023年開年,ChatGPT迅速火遍全球,短短兩個月時間月活突破一億,成為被載入史冊的應用之一。',
        'title_en': 'At the start of 2023 ChatGPT swept the world, passing 100 million monthly active users in two months',
        'author': '',
        'publisher': '每日經濟新聞 (National Business Daily)',
        'date': '',
        'location': '003_1c2e4cd2fb2e3692.txt',
        'kind': 'press report',
        'note': "The article has no headline: its first line stands as the title (without the pinyin the copy carries). It names no author (its reporter interviewed venture investors) and gives no date; it reports Baidu's February 2023 announcement, so it dates from early 2023.",
    },
    '004_e0c9ccd31d772cd3.txt': {
        'id': 'A004',
        'title': '这是人工智能最疯狂的半年,也是大模型最矛盾、分裂的半年。',
        'title_en': "This was AI's craziest half-year, and large models' most torn one",
        'author': '杨月涵 (Yang Yuehan)',
        'publisher': '北京商报 (Beijing Business Today)',
        'date': '',
        'location': '004_e0c9ccd31d772cd3.txt',
        'kind': 'press report',
        'note': "The article's first line is a paragraph; the title here is its first sentence. It gives no date; it quotes Ming-Chi Kuo's reply of 14 August (2023), so it dates from mid-August 2023 or later.",
    },
}
