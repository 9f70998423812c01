{#
    Procurement of the whole UN system per reporting year: the same figures as
    org_procurement_annual over every organization's lines, and how many organizations
    reported. spend_usd equals the sum of the organizations' spend_usd exactly.
#}
{{ procurement_rollup(['reporting_year']) }}
