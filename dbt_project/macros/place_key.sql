{#
    A place name as a lookup key: accents removed, upper-case, every run of characters other
    than A-Z and 0-9 one space, trimmed (`Köln Hbf` -> `KOLN HBF`, `Frankfurt(Main) Hbf` ->
    `FRANKFURT MAIN HBF`, `Praha hl.n.` -> `PRAHA HL N`). Letters that carry no accent to
    remove are spelled out first (`ø` -> `o`, `æ` -> `ae`, `ß` -> `ss`, `ł` -> `l`,
    `œ` -> `oe`), so `København H` is `KOBENHAVN H`. Both sides of a name match go through
    this macro, so they are normalised alike. NULL when nothing is left.
#}
{% macro place_key(column) -%}
    nullif(trim(regexp_replace(
        upper(strip_accents(
            replace(replace(replace(replace(replace(replace(replace(replace(replace(
                {{ column }},
                'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'ß', 'ss'),
                'ł', 'l'), 'Ł', 'L'), 'œ', 'oe'), 'Œ', 'OE')
        )),
        '[^A-Z0-9]+', ' ', 'g'
    )), '')
{%- endmacro %}
