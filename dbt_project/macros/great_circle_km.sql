{#
    Haversine great-circle distance in km on a sphere of radius 6371.0 km (factors/METHODOLOGY.md
    sections 3.1 and 3.2: no uplift, the DESNZ factors already include it). The argument of
    asin is capped at 1 so rounding cannot push it out of the function's domain. A missing
    coordinate gives NULL (`least` ignores NULLs, so without the guard a missing position
    would read as half the Earth's circumference).
#}
{% macro great_circle_km(lat1, lon1, lat2, lon2) -%}
    (
        case
            when
                {{ lat1 }} is not null and {{ lon1 }} is not null
                and {{ lat2 }} is not null and {{ lon2 }} is not null
                then 2 * 6371.0 * asin(least(1.0, sqrt(
                    power(sin(radians({{ lat2 }} - {{ lat1 }}) / 2), 2)
                    + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
                    * power(sin(radians({{ lon2 }} - {{ lon1 }}) / 2), 2)
                )))
        end
    )
{%- endmacro %}
