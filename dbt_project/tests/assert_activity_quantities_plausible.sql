{{ config(severity='warn', meta={
    'dagster': {'ref': {'name': 'fct_emissions'}},
    'follow_up': 'activity quantities beyond any real export: {n}, ask the sender (marts.fct_emissions)',
}) }}
{#
    Activities whose quantity no real export holds (a 50,000 km train ticket, 10^9 litres
    on one fuel card, a meter reading of 10^12 kWh): typing errors, wrong units or a hostile
    file. They are still counted as delivered, like an implausible meter reading, but the
    run prints this check among its warnings so someone asks the sender before the figure
    is reported. One bound per domain, activity type and unit, far above any real activity:
      air passenger.km   20,040 km: half the Earth's circumference, the longest great circle
      rail passenger.km  10,000 km: beyond Moscow-Vladivostok (9,289 km), the longest line
      car / taxi km      10,000 / 1,000 km for one rental or one ride
      hotel room.night   1,000 room nights in one booking
      fuel litre         2,000 L for one fuel-card transaction or expense, 100,000 L for
                         one generator delivery (three road tankers)
      fuel-card kWh      1,000 kWh of vehicle charging in one transaction
      energy kWh         10^8 kWh (100 GWh) from one meter in one year
      refrigerant kg     1,000 kg added to one piece of equipment in one year
      procurement USD    USD 10^9 on one purchase-order line
#}
with

bounds as (

    select
        bound.domain,
        bound.activity_type,
        bound.unit,
        bound.plausible_max

    from (
        values
        ('travel', 'air', 'passenger.km', 20040.0),
        ('travel', 'rail', 'passenger.km', 10000.0),
        ('travel', 'car', 'km', 10000.0),
        ('travel', 'taxi', 'km', 1000.0),
        ('travel', 'hotel', 'room.night', 1000.0),
        ('travel', 'fuel_mobile', 'litre', 2000.0),
        ('fuel', 'fuel_mobile', 'litre', 2000.0),
        ('fuel', 'fuel_stationary', 'litre', 100000.0),
        ('fuel', 'electricity', 'kWh', 1000.0),
        ('energy', 'electricity', 'kWh', 100000000.0),
        ('energy', 'heat', 'kWh', 100000000.0),
        ('energy', 'fuel_stationary', 'kWh (gross CV)', 100000000.0),
        ('energy', 'fuel_stationary', 'm3', 10000000.0),
        ('refrigerants', 'refrigerant', 'kg', 1000.0),
        ('procurement', 'purchased_goods', 'USD', 1000000000.0),
        ('procurement', 'purchased_services', 'USD', 1000000000.0),
        ('procurement', 'capital_goods', 'USD', 1000000000.0)
    ) as bound (domain, activity_type, unit, plausible_max)

),

emissions as (select * from {{ ref('fct_emissions') }})

select
    emissions.emission_id,
    emissions.org_code,
    emissions.domain,
    emissions.activity_type,
    emissions.unit,
    emissions.quantity,
    bounds.plausible_max,
    emissions.source_file_id,
    emissions.source_sheet,
    emissions.source_row

from emissions
inner join bounds
    on
        emissions.domain = bounds.domain
        and emissions.activity_type = bounds.activity_type
        and emissions.unit = bounds.unit
where emissions.quantity > bounds.plausible_max
