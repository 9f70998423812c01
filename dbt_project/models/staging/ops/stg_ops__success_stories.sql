with

source as (select * from {{ source('ops', 'success_stories') }}),

renamed as (

    select
        story_id,
        file as story_file,
        title,
        year as story_year,
        organizations,
        unspsc_families,
        summary,
        outcome,
        ecolabels,
        {{ try_cast_as('spend_usd', type_money()) }} as spend_usd,
        t_co2e_avoided_per_year,
        {{ adapter.quote('references') }} as story_references

    from source
    where status = 'loaded'

)

select * from renamed
