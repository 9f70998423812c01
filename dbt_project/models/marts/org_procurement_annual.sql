{#
    Procurement per organization and reporting year (issue "Procurement", marts): spend in
    USD, lines, suppliers, guideline and sustainability-criteria shares of spend,
    spend-based t CO2e, top categories, supplier-country mix and coverage figures. See the
    `procurement_rollup` macro for each figure's definition.
#}
{{ procurement_rollup(['org_code', 'reporting_year']) }}
