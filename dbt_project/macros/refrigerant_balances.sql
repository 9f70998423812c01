{#
    A refrigerant balance (int_refrigerant_balances) is one gas in one piece of equipment of
    one site (which may be empty) of an organization in one reporting year.
    same_balance(services, balances): the join condition of service rows to their balance.
#}
{% macro same_balance(services, balances) -%}
    {{ services }}.org_code = {{ balances }}.org_code
            and {{ services }}.site_code is not distinct from {{ balances }}.site_code
            and {{ services }}.equipment_id = {{ balances }}.equipment_id
            and {{ services }}.gas = {{ balances }}.gas
            and {{ services }}.reporting_year = {{ balances }}.reporting_year
{%- endmacro %}
