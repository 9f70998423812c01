with

source as (select * from {{ source('factors', 'unspsc_spend_categories') }}),

renamed as (

    select
        trim(unspsc_segment) as unspsc_segment,
        {{ clean_text('unspsc_family') }} as unspsc_family,
        coalesce({{ clean_text('unspsc_family') }}, trim(unspsc_segment)) as unspsc_prefix,
        {{ clean_text('title') }} as title,
        trim(activity_type) as activity_type,
        lower(trim(counted_from_activity_data)) = 'true' as is_counted_from_activity_data,
        {{ clean_text('naics_2017') }} as naics_2017,
        {{ clean_text('naics_title') }} as naics_title,
        {{ clean_text('factor_key') }} as factor_key,
        {{ clean_text('note') }} as note

    from source

)

select * from renamed
