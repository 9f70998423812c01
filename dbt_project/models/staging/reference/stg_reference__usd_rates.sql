{#
    US dollars per unit of each currency on each ECB publication day: the ECB publishes
    units per euro, so USD per unit = (USD per euro) / (units per euro), both of the same
    day. A currency without a rate that day has no row (factors/METHODOLOGY.md: the latest earlier day,
    at most 7 days back, is used instead).
#}
with

rates as (select * from {{ source('reference', 'currency_rates') }}),

usd as (

    select
        rate_date,
        units_per_eur as usd_per_eur
    from rates
    where currency = 'USD'

),

final as (

    select
        rates.currency,
        rates.rate_date,
        rates.units_per_eur,
        usd.usd_per_eur,
        cast(usd.usd_per_eur / rates.units_per_eur as {{ type_double() }}) as usd_per_unit

    from rates
    inner join usd
        on rates.rate_date = usd.rate_date
    where rates.currency != 'USD'

)

select * from final
