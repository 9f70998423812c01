{#
    Ticket numbers compare as 13 digits: dashes and spaces removed, leading zeros lost in
    numeric spreadsheet cells restored (factors/METHODOLOGY.md section 3.7).
#}
{% macro ticket13(column) -%}
    case
        when length(replace(replace(trim({{ column }}), '-', ''), ' ', '')) = 0 then null
        when length(replace(replace(trim({{ column }}), '-', ''), ' ', '')) >= 13
            then replace(replace(trim({{ column }}), '-', ''), ' ', '')
        else lpad(replace(replace(trim({{ column }}), '-', ''), ' ', ''), 13, '0')
    end
{%- endmacro %}
