#!/usr/bin/env python3
"""Generate a Russian word-form corpus for testing glossary term matching.

Writes ru-forms.tsv (term, text, expect, case_number, note) and terms.tsv
(term, class, gender) next to this script. The expected answers come from the
pymorphy3 dictionary (OpenCorpora); the few hand corrections are in
HAND_DROP / HAND_NOTE below and listed in README.md.

Run once, with pymorphy3 2.0.6 and pymorphy3-dicts-ru 2.4.417150.4580142
(OpenCorpora dictionary 0.92, revision 417150, compiled 2022-01-08):

    python3 -m venv venv && venv/bin/pip install pymorphy3 pymorphy3-dicts-ru
    venv/bin/python generate.py

It is deterministic: a re-run with the same versions gives byte-identical files.
"""
import os
import sys
from collections import OrderedDict

import pymorphy3

HERE = os.path.dirname(os.path.abspath(__file__))
MORPH = pymorphy3.MorphAnalyzer()

CASES = ["nomn", "gent", "datv", "accs", "ablt", "loct"]
EXTRA_CASES = ["gen2", "loc2"]  # partitive / second locative, kept when the dictionary has them
NUMBERS = ["sing", "plur"]
GENDERS = {"masc", "femn", "neut"}
ANIMACY = {"anim", "inan"}
ALL_CASES = set(CASES) | set(EXTRA_CASES) | {"voct", "acc2"}

# term, class, options.  Options: anim = "anim"/"inan" to pick one of two noun
# readings (звезда is also "celebrity", anim).
TERMS = [
    # 1st declension, -а/-я (zero ending and fleeting vowel in gen. plural)
    ("матрица", "decl1", {}),
    ("функция", "decl1", {}),
    ("головка", "decl1", {}),
    ("ошибка", "decl1", {}),
    ("ёлка", "decl1", {}),
    ("выборка", "decl1", {}),
    ("задача", "decl1", {}),
    ("метрика", "decl1", {}),
    ("петля", "decl1", {}),
    ("доля", "decl1", {}),
    ("звезда", "decl1", {"anim": "inan"}),
    ("цепочка", "decl1", {}),
    ("статья", "decl1", {}),
    # 2nd declension, masculine (hard, soft, -й, fleeting vowels, animate)
    ("признак", "decl2-masc", {}),
    ("слой", "decl2-masc", {}),
    ("нейрон", "decl2-masc", {}),
    ("отрезок", "decl2-masc", {}),
    ("узел", "decl2-masc", {}),
    ("вектор", "decl2-masc", {}),
    ("образец", "decl2-masc", {}),
    ("уровень", "decl2-masc", {}),
    ("словарь", "decl2-masc", {}),
    ("день", "decl2-masc", {}),
    ("объём", "decl2-masc", {}),
    ("ключ", "decl2-masc", {}),
    ("тензор", "decl2-masc", {}),
    ("исследователь", "decl2-masc", {}),
    # 2nd declension, neuter
    ("перечисление", "decl2-neut", {}),
    ("заимствование", "decl2-neut", {}),
    ("пространство", "decl2-neut", {}),
    ("поле", "decl2-neut", {}),
    ("внимание", "decl2-neut", {}),
    ("вложение", "decl2-neut", {}),
    ("слово", "decl2-neut", {}),
    ("окно", "decl2-neut", {}),
    ("значение", "decl2-neut", {}),
    # 3rd declension, feminine -ь
    ("модель", "decl3", {}),
    ("связь", "decl3", {}),
    ("сеть", "decl3", {}),
    ("тетрадь", "decl3", {}),
    ("память", "decl3", {}),
    ("часть", "decl3", {}),
    ("область", "decl3", {}),
    ("ось", "decl3", {}),
    ("степень", "decl3", {}),
    ("мышь", "decl3", {}),
    # the ten -мя nouns
    ("время", "mya", {}),
    ("имя", "mya", {}),
    ("знамя", "mya", {}),
    ("пламя", "mya", {}),
    ("семя", "mya", {}),
    ("племя", "mya", {}),
    ("стремя", "mya", {}),
    ("бремя", "mya", {}),
    ("вымя", "mya", {}),
    ("темя", "mya", {}),
    # путь (heteroclite)
    ("путь", "put", {}),
    # indeclinable
    ("кафе", "indecl", {}),
    ("пальто", "indecl", {}),
    ("интервью", "indecl", {}),
    ("меню", "indecl", {}),
    ("резюме", "indecl", {}),
    ("такси", "indecl", {}),
    # adjective + noun, agreeing in case, number and gender
    ("разреженный автоэнкодер", "adj-noun", {}),
    ("линейная регрессия", "adj-noun", {}),
    ("нейронная сеть", "adj-noun", {}),
    ("скрытое состояние", "adj-noun", {}),
    ("остаточный поток", "adj-noun", {}),
    ("механистическая интерпретируемость", "adj-noun", {}),
    ("языковая модель", "adj-noun", {}),
    ("скрытый слой", "adj-noun", {}),
    # noun + noun in the genitive (only the head inflects)
    ("время жизни", "noun-gen", {}),
    ("функция потерь", "noun-gen", {}),
    ("голова внимания", "noun-gen", {}),
    ("карта признаков", "noun-gen", {}),
    ("скорость обучения", "noun-gen", {}),
    # substantivized adjectives (adjectival declension)
    ("данные", "subst-adj", {}),
    ("учёный", "subst-adj", {}),
    ("производная", "subst-adj", {}),
    ("слагаемое", "subst-adj", {}),
    ("кривая", "subst-adj", {}),
]

# Hand-picked negatives: text that shares a stem or letters with the term but is
# another word (another lemma or part of speech).  Each is checked against
# pymorphy3 below; a candidate that pymorphy3 can read as the term is refused.
NEGATIVES = {
    "матрица": [("матричный", "adjective from the noun"), ("матричного", "adjective from the noun"),
                ("матричные", "adjective from the noun")],
    "функция": [("функциональный", "adjective"), ("функционал", "other noun (functional)"),
                ("функционирует", "verb")],
    "головка": [("голова", "base noun, other lemma"), ("головы", "form of голова"),
                ("головной", "adjective")],
    "ошибка": [("ошибочный", "adjective"), ("ошибочно", "adverb"), ("ошибся", "verb ошибиться")],
    "ёлка": [("ёлочный", "adjective"), ("ель", "other noun (fir tree)"), ("ели", "form of ель / verb есть")],
    "выборка": [("выбор", "other noun (choice)"), ("выборы", "other noun (elections)"),
                ("выборочный", "adjective")],
    "задача": [("задачник", "other noun"), ("задать", "verb")],
    "метрика": [("метрический", "adjective"), ("метр", "other noun")],
    "петля": [("петлица", "other noun"), ("петлять", "verb")],
    "доля": [("долевой", "adjective"), ("долина", "other noun sharing letters")],
    "звезда": [("звёздный", "adjective"), ("звёздочка", "diminutive, other lemma")],
    "цепочка": [("цепь", "base noun, other lemma"), ("цепи", "form of цепь")],
    "статья": [("статейка", "diminutive, other lemma"), ("статный", "adjective sharing letters")],
    "признак": [("признать", "verb"), ("признание", "other noun"), ("признал", "verb")],
    "слой": [("слоистый", "adjective"), ("слоёный", "adjective")],
    "нейрон": [("нейронный", "adjective"), ("нейронная", "adjective"), ("нейронных", "adjective")],
    "отрезок": [("отрезать", "verb"), ("отрезанный", "participle")],
    "узел": [("узловой", "adjective"), ("узелок", "diminutive, other lemma"), ("узлового", "adjective")],
    "вектор": [("векторный", "adjective"), ("векторизация", "other noun"), ("векторного", "adjective")],
    "образец": [("образ", "other noun"), ("образом", "form of образ (таким образом)"),
                ("образцовый", "adjective")],
    "уровень": [("уровневый", "adjective")],
    "словарь": [("словарный", "adjective"), ("словарик", "diminutive, other lemma")],
    "день": [("дневной", "adjective"), ("днище", "other noun sharing letters"),
             ("дно", "other noun sharing letters"), ("дна", "form of дно"), ("деньги", "other noun"),
             ("денег", "form of деньги")],
    "объём": [("объёмный", "adjective"), ("объемный", "adjective, ё written as е")],
    "ключ": [("ключевой", "adjective"), ("ключица", "other noun"), ("ключевые", "adjective")],
    "тензор": [("тензорный", "adjective"), ("тензорного", "adjective")],
    "исследователь": [("исследовать", "verb"), ("исследование", "other noun"),
                      ("исследовательский", "adjective")],
    "перечисление": [("перечислены", "short participle of перечислить"),
                     ("перечисленные", "participle of перечислить"), ("перечислить", "verb"),
                     ("перечислим", "verb"), ("перечисляемый", "participle")],
    "заимствование": [("заимствованного", "participle of заимствовать"),
                      ("заимствованных", "participle of заимствовать"), ("заимствовать", "verb"),
                      ("заимствованный", "participle")],
    "пространство": [("пространственный", "adjective"), ("пространный", "adjective"),
                     ("пространственно", "adverb")],
    "поле": [("полевой", "adjective"), ("полено", "other noun sharing letters"),
             ("полюс", "other noun sharing letters")],
    "внимание": [("внимательный", "adjective"), ("внимательно", "adverb")],
    "вложение": [("вложенный", "participle of вложить"), ("вложить", "verb"),
                 ("вложенные", "participle of вложить")],
    "слово": [("словно", "conjunction"), ("словесный", "adjective"), ("словечко", "diminutive, other lemma")],
    "окно": [("оконный", "adjective"), ("окончание", "other noun sharing letters")],
    "значение": [("значит", "verb / parenthetical"), ("значимый", "adjective"),
                 ("значительный", "adjective")],
    "модель": [("модельный", "adjective"), ("моделировать", "verb"), ("моделирование", "other noun"),
               ("модельер", "other noun")],
    "связь": [("связанный", "participle of связать"), ("связать", "verb"), ("связка", "other noun"),
              ("связанные", "participle of связать")],
    "сеть": [("сетевой", "adjective"), ("сетка", "other noun"), ("сетевая", "adjective")],
    "тетрадь": [("тетрадка", "diminutive, other lemma"), ("тетрадный", "adjective")],
    "память": [("памятник", "other noun"), ("памятный", "adjective")],
    "часть": [("частный", "adjective"), ("частица", "other noun"), ("частично", "adverb"),
              ("часто", "adverb")],
    "область": [("областной", "adjective")],
    "ось": [("осевой", "adjective"), ("осень", "other noun sharing letters"),
            ("ос", "gen. plural of оса (ось has осей)")],
    "степень": [("степь", "other noun"), ("степной", "adjective of степь"), ("степенный", "adjective")],
    "мышь": [("мышца", "other noun"), ("мышцы", "form of мышца"), ("мышечный", "adjective")],
    "время": [("временный", "adjective"), ("временно", "adverb"), ("временной", "adjective"),
              ("временщик", "other noun"), ("своевременно", "adverb")],
    "имя": [("именно", "particle/adverb"), ("именной", "adjective"), ("имение", "other noun"),
            ("именуемый", "participle")],
    "знамя": [("знаменитый", "adjective"), ("знамение", "other noun"), ("знаменатель", "other noun")],
    "пламя": [("пламенный", "adjective")],
    "семя": [("семья", "other noun"), ("семьи", "form of семья"), ("семенной", "adjective")],
    "племя": [("племянник", "other noun"), ("племенной", "adjective")],
    "стремя": [("стремянка", "other noun"), ("стремление", "other noun"), ("стремиться", "verb")],
    "бремя": [("обременение", "other noun")],
    "вымя": [("вымысел", "other noun sharing letters"), ("вымыть", "verb")],
    "темя": [("тема", "other noun sharing letters"), ("темы", "form of тема"), ("теменной", "adjective")],
    "путь": [("путина", "other noun sharing letters"), ("путевой", "adjective"), ("путать", "verb"),
             ("путаница", "other noun"), ("путник", "other noun")],
    "кафе": [("кафедра", "other noun sharing letters"), ("кафель", "other noun sharing letters")],
    "пальто": [("пальтовый", "adjective")],
    "интервью": [("интервьюер", "other noun"), ("интервьюировать", "verb")],
    "меню": [("меняю", "verb менять")],
    "резюме": [("резюмировать", "verb"), ("резюмируя", "gerund")],
    "такси": [("таксист", "other noun"), ("таксономия", "other noun sharing letters")],
    "данные": [("данный", "adjective 'given'"), ("данной", "adjective 'given' (в данной статье)"),
               ("данного", "adjective 'given'"), ("дань", "other noun")],
    "учёный": [("учёная", "adjective (учёная степень); the noun is masculine only"),
               ("учёное", "adjective, neuter"), ("учение", "other noun"), ("учёба", "other noun")],
    "производная": [("производного", "adjective производный (masc./neut.)"),
                    ("производный", "adjective"), ("производство", "other noun"), ("производить", "verb")],
    "слагаемое": [("слагать", "verb"), ("слагаемая", "participle, feminine")],
    "кривая": [("кривизна", "other noun"), ("кривого", "adjective кривой (masc./neut.)")],
    "время жизни": [("время", "head noun alone"), ("жизни", "dependent noun alone"),
                    ("время жизнью", "dependent noun not in the genitive"),
                    ("временем жизнь", "dependent noun not in the genitive")],
    "функция потерь": [("функция", "head noun alone"), ("функция потерям", "dependent noun not in the genitive"),
                       ("функциями потерям", "dependent noun not in the genitive")],
    "голова внимания": [("голова", "head noun alone"), ("голова вниманию", "dependent noun not in the genitive"),
                        ("головы вниманием", "dependent noun not in the genitive"),
                        ("головка внимания", "other head noun (diminutive головка)")],
    "карта признаков": [("карта", "head noun alone"), ("карта признакам", "dependent noun not in the genitive"),
                        ("карты признаки", "dependent noun not in the genitive")],
    "скорость обучения": [("скорость", "head noun alone"), ("скорость обучению", "dependent noun not in the genitive"),
                          ("скорости обучением", "dependent noun not in the genitive")],
}

# Disagreeing adjective + noun pairs for each adj-noun term, as (adjective cell,
# noun cell).  The script checks that the two words really do not agree.
MISMATCH_CELLS = [
    (("nomn", "sing"), ("gent", "sing")),
    (("gent", "sing"), ("nomn", "sing")),
    (("nomn", "plur"), ("datv", "sing")),
    (("datv", "sing"), ("ablt", "plur")),
    (("ablt", "sing"), ("datv", "plur")),
    (("loct", "plur"), ("nomn", "sing")),
    (("gent", "plur"), ("ablt", "sing")),
]
WRONG_GENDER = {"masc": "femn", "femn": "masc", "neut": "masc"}

# Plurals that the dictionary has but that are rare, archaic or odd in use; the
# rows stay expected "yes" (they are real forms of the term) and carry this note.
RARE_PLURAL = {
    "внимание": "rare plural (mass noun)",
    "память": "rare plural",
    "пламя": "archaic/poetic plural",
    "бремя": "archaic/bookish plural",
    "механистическая интерпретируемость": "rare plural (mass noun)",
}

# Terms that a glossary writes with е although the word is also spelt with ё:
# the ё spelling of every form is an expected match too.
YO_SPELLING = {"разреженный автоэнкодер": ("разреженн", "разрежённ")}

# Hand corrections after review (see README.md).  Keys are (term, text).
HAND_DROP = {}
HAND_NOTE = {
    ("слой", "слою"): "loc2 в слою is colloquial (standard: в слое)",
    ("день", "дню"): "loc2 only in set phrases (раз на дню)",
}

PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}
ARCHAIC = {"V-oy", "V-ey", "Arch", "Erro", "Dist", "V-be", "V-en", "V-ie", "V-bi", "V-sh"}


def yo_free(s):
    return s.replace("ё", "е").replace("Ё", "Е")


def dict_word(p):
    """The dictionary spelling the parse came from (ё-exact), or None if predicted."""
    m = p.methods_stack[0]
    if type(m[0]).__name__ == "DictionaryAnalyzer" and len(p.methods_stack) == 1:
        return m[1]
    return None


def predicted(p):
    return dict_word(p) is None


def core(tag, adjective):
    """Grammemes of a tag that do not inflect for case and number (and gender/animacy for adjectives)."""
    g = set(tag.grammemes) - ALL_CASES - set(NUMBERS)
    if adjective:
        g -= GENDERS | ANIMACY
    return frozenset(g)


def pick_noun(word, opts):
    cands = []
    for p in MORPH.parse(word):
        t = p.tag
        if t.POS != "NOUN" or p.normal_form != word or "nomn" not in t:
            continue
        if "anim" in opts and opts["anim"] not in t:
            continue
        if "Name" in t or "Surn" in t or "Geox" in t or "Orgn" in t:
            continue
        exact = dict_word(p) == word
        cands.append((not exact, predicted(p), -p.score, str(t), p))
    if not cands:
        sys.exit("no noun parse for %r" % word)
    cands.sort(key=lambda c: c[:4])
    return cands[0][4]


def pick_adj(word, gender):
    cands = []
    for p in MORPH.parse(word):
        t = p.tag
        if t.POS not in ("ADJF", "PRTF") or "nomn" not in t or "sing" not in t or gender not in t:
            continue
        exact = dict_word(p) == word
        cands.append((not exact, predicted(p), -p.score, str(t), p))
    if not cands:
        sys.exit("no adjective parse for %r" % word)
    cands.sort(key=lambda c: c[:4])
    return cands[0][4]


def forms(p, case, number, adjective=False, gender=None, anim=None):
    """Surface forms of parse p's lexeme in one cell, same variant as p, archaic variants left out."""
    base = core(p.tag, adjective)
    out = []
    for f in p.lexeme:
        t = f.tag
        if t.case != case or t.number != number:
            # indeclinable or pluralia tantum nouns carry no number for some tags
            if not (t.case == case and t.number is None):
                continue
        if core(t, adjective) != base:
            continue
        if set(t.grammemes) & ARCHAIC - set(p.tag.grammemes):
            continue
        if adjective:
            if number == "sing" and gender and t.gender != gender:
                continue
            if case == "accs" and anim and t.animacy and t.animacy != anim:
                continue
        if f.word not in out:
            out.append(f.word)
    return out


def noun_cells(p):
    cells = OrderedDict()
    for number in NUMBERS:
        for case in CASES + EXTRA_CASES:
            ws = forms(p, case, number)
            if ws:
                cells[(case, number)] = ws
    return cells


def other_readings(text, lemma, pos):
    seen = []
    for p in MORPH.parse(text):
        if p.normal_form == lemma and p.tag.POS == pos:
            continue
        if set(p.tag.grammemes) & PROPER:
            continue
        key = "%s %s" % (p.normal_form, p.tag.POS)
        if key not in seen:
            seen.append(key)
    return seen


def cell_order(cell):
    case, number = cell
    return (CASES + EXTRA_CASES).index(case) + 10 * NUMBERS.index(number)


class Rows:
    def __init__(self):
        self.pos = OrderedDict()  # (term, text) -> [cells, notes]
        self.neg = OrderedDict()  # (term, text) -> note

    def add_pos(self, term, text, cell, note=""):
        entry = self.pos.setdefault((term, text), [[], []])
        if cell not in entry[0]:
            entry[0].append(cell)
        if note and note not in entry[1]:
            entry[1].append(note)


def agree_sets(text, lemma, adjective):
    """(case, number, gender, animacy) readings of one word under a lemma."""
    out = set()
    for p in MORPH.parse(text):
        if p.normal_form != lemma:
            continue
        t = p.tag
        if adjective and t.POS not in ("ADJF", "PRTF"):
            continue
        if not adjective and t.POS != "NOUN":
            continue
        out.add((t.case, t.number, t.gender, t.animacy))
    return out


def disagree_note(adj_text, adj_lemma, noun_text, noun_lemma):
    def fmt(readings, adjective):
        out = []
        for case, number, g, a in sorted(readings, key=lambda r: tuple(x or "" for x in r)):
            bits = [case, number] + ([g] if adjective and number == "sing" else []) + \
                   ([a] if adjective and a else [])
            s = ",".join(bits)
            if s not in out:
                out.append(s)
        return " ".join(out)
    return "adjective and noun do not agree: %s = %s; %s = %s" % (
        adj_text, fmt(agree_sets(adj_text, adj_lemma, True), True),
        noun_text, fmt(agree_sets(noun_text, noun_lemma, False), False))


def agrees(adj_text, adj_lemma, noun_text, noun_lemma, noun_gender, noun_anim):
    for case, number, g, a in agree_sets(adj_text, adj_lemma, True):
        for ncase, nnumber, _, _ in agree_sets(noun_text, noun_lemma, False):
            if case != ncase or number != nnumber:
                continue
            if number == "sing" and g != noun_gender:
                continue
            if case == "accs" and a and a != noun_anim:
                continue
            return True
    return False


def cls_of_term(term):
    return {t: c for t, c, _ in TERMS}[term]


def main():
    rows = Rows()
    term_rows = []
    lemma_of = {}  # term -> (lemma, POS) for single-word terms
    for term, cls, opts in TERMS:
        words = term.split()
        if cls in ("adj-noun",):
            adj_w, noun_w = words
            n = pick_noun(noun_w, opts)
            gender = n.tag.gender
            anim = n.tag.animacy
            a = pick_adj(adj_w, gender)
            term_rows.append((term, cls, gender))
            pred = [w for w, p in ((adj_w, a), (noun_w, n)) if predicted(p)]
            pnote = ("pymorphy3 guessed (not in dictionary): " + ", ".join(pred)) if pred else ""
            for (case, number), nws in noun_cells(n).items():
                if case in EXTRA_CASES:
                    continue
                aws = forms(a, case, number, adjective=True,
                            gender=gender if number == "sing" else None, anim=anim)
                for aw in aws:
                    for nw in nws:
                        rows.add_pos(term, "%s %s" % (aw, nw), (case, number), pnote)
            # negatives: disagreeing pairs and wrong gender
            for (ac, an), (nc, nn) in MISMATCH_CELLS:
                aws = forms(a, ac, an, adjective=True, gender=gender if an == "sing" else None, anim=anim)
                nws = forms(n, nc, nn)
                if not aws or not nws:
                    continue
                text = "%s %s" % (aws[0], nws[0])
                if agrees(aws[0], a.normal_form, nws[0], n.normal_form, gender, anim):
                    continue
                rows.neg[(term, text)] = disagree_note(aws[0], a.normal_form, nws[0], n.normal_form)
            wg = WRONG_GENDER[gender]
            for case in ("nomn", "gent"):
                aws = forms(a, case, "sing", adjective=True, gender=wg, anim=anim)
                nws = forms(n, case, "sing")
                text = "%s %s" % (aws[0], nws[0])
                if not agrees(aws[0], a.normal_form, nws[0], n.normal_form, gender, anim):
                    rows.neg[(term, text)] = "wrong gender; " + disagree_note(
                        aws[0], a.normal_form, nws[0], n.normal_form)
            rows.neg[(term, noun_w)] = "noun alone, without its adjective"
            rows.neg[(term, adj_w)] = "adjective alone, without its noun"
            continue
        if cls == "noun-gen":
            head_w, dep = words[0], " ".join(words[1:])
            n = pick_noun(head_w, opts)
            term_rows.append((term, cls, n.tag.gender))
            for cell, nws in noun_cells(n).items():
                if cell[0] in EXTRA_CASES:
                    continue
                for nw in nws:
                    rows.add_pos(term, "%s %s" % (nw, dep), cell)
        else:
            n = pick_noun(term, opts)
            lemma_of[term] = (n.normal_form, n.tag.POS)
            gender = n.tag.gender or ("GNdr" if "GNdr" in n.tag else "-")
            term_rows.append((term, cls, gender))
            pnote = "pymorphy3 guessed (not in dictionary)" if predicted(n) else ""
            for cell, nws in noun_cells(n).items():
                for nw in nws:
                    note = pnote
                    if cell[0] == "loc2":
                        note = "second locative (в/на ...)"
                    elif cell[0] == "gen2":
                        note = "partitive genitive"
                    rows.add_pos(term, nw, cell, note)
        for text, why in NEGATIVES.get(term, []):
            rows.neg[(term, text)] = why

    # ё written as е: every positive with ё gets its е twin
    for (term, text), (cells, notes) in list(rows.pos.items()):
        if "ё" in text:
            twin = yo_free(text)
            have = rows.pos.get((term, twin), [[], []])[0]
            new = [c for c in cells if c not in have]
            if not new:
                continue
            note = "ё written as е" if not have else "ё written as е for %s" % ";".join("%s,%s" % c for c in new)
            for c in new:
                rows.add_pos(term, twin, c, note)
    # term written with е, text with ё (the same word spelt with ё)
    for (term, text), (cells, notes) in list(rows.pos.items()):
        if term in YO_SPELLING:
            plain, yo = YO_SPELLING[term]
            if plain in text:
                for c in cells:
                    rows.add_pos(term, text.replace(plain, yo, 1), c,
                                 "text has ё where the term has е (%s-)" % yo)

    # annotate single-word positives that other words share
    for (term, text), (cells, notes) in rows.pos.items():
        if term in lemma_of and "ё written as е" not in notes:
            lemma, pos = lemma_of[term]
            others = other_readings(text, lemma, pos)
            if others:
                notes.append("also read as " + "; ".join(others[:4]))

    # check negatives
    errors = []
    for (term, text), why in list(rows.neg.items()):
        if (term, text) in rows.pos:
            errors.append("negative %r for %r is also a generated positive" % (text, term))
            del rows.neg[(term, text)]
            continue
        if term in lemma_of:
            lemma, pos = lemma_of[term]
            readings = ["%s %s" % (p.normal_form, p.tag.POS) for p in MORPH.parse(text)]
            if "%s %s" % (lemma, pos) in readings:
                errors.append("negative %r for %r: pymorphy3 reads it as the term" % (text, term))
                del rows.neg[(term, text)]
                continue
            uniq = []
            for r in readings:
                if r not in uniq:
                    uniq.append(r)
            rows.neg[(term, text)] = "%s [pymorphy3: %s]" % (why, "; ".join(uniq[:3]))
    for (term, text) in list(rows.neg):
        if cls_of_term(term) == "noun-gen":
            head, dep = term.split(" ", 1)
            parts = text.split(" ", 1)
            if len(parts) == 2 and parts[1] == dep and any(
                    p.normal_form == head and p.tag.POS == "NOUN" for p in MORPH.parse(parts[0])):
                errors.append("negative %r for %r is a head form + the genitive" % (text, term))
                del rows.neg[(term, text)]
    for e in errors:
        print("refused:", e, file=sys.stderr)

    for key in HAND_DROP:
        rows.pos.pop(key, None)
        rows.neg.pop(key, None)
    for key, note in HAND_NOTE.items():
        if key in rows.pos:
            rows.pos[key][1].append(note)
    for (term, text), (cells, notes) in rows.pos.items():
        if term in RARE_PLURAL and all(c[1] == "plur" for c in cells):
            notes.append(RARE_PLURAL[term])

    out = []
    for (term, text), (cells, notes) in rows.pos.items():
        cn = ";".join("%s,%s" % c for c in sorted(cells, key=cell_order))
        out.append((term, text, "yes", cn, "; ".join(notes) or "-"))
    for (term, text), note in rows.neg.items():
        out.append((term, text, "no", "-", note))
    out.sort(key=lambda r: (r[0], r[1], r[2]))
    for r in out:
        for f in r:
            assert "\t" not in f and "\n" not in f and f, r
    with open(os.path.join(HERE, "ru-forms.tsv"), "w", encoding="utf-8") as fh:
        fh.write("term\ttext\texpect\tcase_number\tnote\n")
        for r in out:
            fh.write("\t".join(r) + "\n")
    with open(os.path.join(HERE, "terms.tsv"), "w", encoding="utf-8") as fh:
        fh.write("term\tclass\tgender\n")
        for r in sorted(term_rows):
            fh.write("\t".join(r) + "\n")

    # cells of the 6 x 2 grid that the dictionary has no form for
    for term, cls, _ in TERMS:
        have = set()
        for (t, text), (cells, notes) in rows.pos.items():
            if t == term:
                have |= set(cells)
        missing = [c for c in ((cs, n) for n in NUMBERS for cs in CASES) if c not in have]
        if missing:
            print("no form: %s: %s" % (term, " ".join("%s,%s" % c for c in missing)), file=sys.stderr)

    # counts
    cls_of = {t: c for t, c, _ in TERMS}
    counts = OrderedDict((c, [0, 0]) for _, c, _ in TERMS)
    for r in out:
        c = counts.setdefault(cls_of[r[0]], [0, 0])
        c[0 if r[2] == "yes" else 1] += 1
    total = [sum(v[0] for v in counts.values()), sum(v[1] for v in counts.values())]
    print("terms %d, positives %d, negatives %d" % (len(TERMS), total[0], total[1]))
    for c, (p, n) in counts.items():
        print("  %-11s terms %2d  yes %4d  no %3d" % (c, sum(1 for t in TERMS if t[1] == c), p, n))


if __name__ == "__main__":
    main()
