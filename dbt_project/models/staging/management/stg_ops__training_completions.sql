with

source as (select * from {{ source('ops', 'training_completions') }}),

renamed as (

    select
        org_code,
        year as training_year,
        audience,
        people_trained,
        file as training_file

    from source

)

select * from renamed
