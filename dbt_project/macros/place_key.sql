{#
    A place name as a lookup key: accents removed, upper-case, every run of characters other
    than A-Z and 0-9 one space, trimmed (`Köln Hbf` -> `KOLN HBF`, `Frankfurt(Main) Hbf` ->
    `FRANKFURT MAIN HBF`, `Praha hl.n.` -> `PRAHA HL N`). Letters that carry no accent to
    remove are spelled out first (`ø` -> `o`, `æ` -> `ae`, `ß` -> `ss`, `ł` -> `l`,
    `œ` -> `oe`), so `København H` is `KOBENHAVN H`. Both sides of a name match go through
    this macro, so they are normalised alike. NULL when nothing is left.
#}
{% macro place_key(column) -%}
    {%- set spelled_out -%}
        replace(replace(replace(replace(replace(replace(replace(replace(replace(
            {{ column }},
            'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'ß', 'ss'),
            'ł', 'l'), 'Ł', 'L'), 'œ', 'oe'), 'Œ', 'OE')
    {%- endset -%}
    nullif(trim({{ replace_all('upper(strip_accents(' ~ spelled_out ~ '))', "'[^A-Z0-9]+'", "' '") }}), '')
{%- endmacro %}

{#
    One row per row of `relation` with a non-NULL `key` and per count n of its leading
    words (1 to all): `columns`, the key, n as `count_as`, the first n words (single spaces
    between words, as place_key leaves them) as `prefix_as`.
#}
{% macro leading_words(relation, key, columns, count_as, prefix_as) -%}
    {{ return(adapter.dispatch('leading_words')(relation, key, columns, count_as, prefix_as)) }}
{%- endmacro %}

{% macro duckdb__leading_words(relation, key, columns, count_as, prefix_as) -%}
    select
        {% for column in columns %}{{ column }},
        {% endfor %}{{ key }},
        {{ count_as }},
        array_to_string(list_slice(string_split({{ key }}, ' '), 1, {{ count_as }}), ' ') as {{ prefix_as }}

    from {{ relation }},
        unnest(range(1, len(string_split({{ key }}, ' ')) + 1)) as words ({{ count_as }})
    where {{ key }} is not null
{%- endmacro %}

{% macro spark__leading_words(relation, key, columns, count_as, prefix_as) -%}
    select
        {% for column in columns %}{{ column }},
        {% endfor %}{{ key }},
        word_index + 1 as {{ count_as }},
        array_join(slice(split({{ key }}, ' '), 1, word_index + 1), ' ') as {{ prefix_as }}

    from {{ relation }}
    lateral view posexplode(split({{ key }}, ' ')) words as word_index, word
    where {{ key }} is not null
{%- endmacro %}
